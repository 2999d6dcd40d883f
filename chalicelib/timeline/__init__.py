"""Wristband time nodes at the hospital, the incident's timeline with its intervals, and the KPIs."""
