"""The consultations ports' implementations: the sessions' table (`store`) and bookings (`bookings`)."""
