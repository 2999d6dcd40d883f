"""Stateful (data, keys, identities) and stateless (compute, wiring) stacks."""
