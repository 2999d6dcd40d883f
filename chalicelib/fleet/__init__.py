"""Ambulances (units) and the stations they are based at."""
