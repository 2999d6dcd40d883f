"""Signed QR doorplates: tokens that locate a caller with no database read, their keys and revocations."""
