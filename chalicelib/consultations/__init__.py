"""Remote multi-disciplinary consultation between the ambulance and hospital experts."""
