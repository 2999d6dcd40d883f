"""The patient's health portrait: body regions and flags from the condition, vitals and history."""
