"""Booking a bed before arrival: offer, acceptance or decline, pre-registration, pre-orders, green channel."""
