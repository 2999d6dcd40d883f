"""The AED registry: where the defibrillators are, whether one can be reached now."""
