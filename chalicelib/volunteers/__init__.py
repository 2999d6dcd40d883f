"""First-responder network: certified volunteers and public AEDs."""
