"""Clinical scores computed from a patient's observations. Pure: no I/O, no clock."""
