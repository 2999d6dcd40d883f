"""The incidents domain's PynamoDB side (private): `intake` implements IncidentStore, `records`
serves the other domains' reads and single writes, `transactions` adds the incident's part to a
transaction another domain runs."""
