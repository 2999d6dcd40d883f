"""Dispatch: candidate units near an incident, travel-time estimates, ranked recommendations."""
