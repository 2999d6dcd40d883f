"""Handing a patient over to the receiving hospital."""
