"""One construct per concern; each takes keyword-only arguments."""
