"""Receiving hospitals and what each can treat."""
