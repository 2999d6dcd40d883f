"""Who may read and write an incident's health data, and the audit of every access."""
