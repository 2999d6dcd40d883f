"""The resident health archive: FHIR R4 bundles imported as a compact summary per person, and the
identification of an incident's patient by the crew (ID card reader, or phone + family name + birth
date). Resident ID numbers and phone numbers are kept only as keyed hashes (docs/health-archive.md).
"""
