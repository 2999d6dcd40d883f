"""The bookings ports' implementations: the hospitals' information systems over FHIR R4 (`his_fhir`),
the booking messages over MQTT (`mqtt`), the workflow's wait for an admission (`workflow`)."""
