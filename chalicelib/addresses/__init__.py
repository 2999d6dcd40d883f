"""Standard addresses: the police address registry behind the QR doorplates."""
