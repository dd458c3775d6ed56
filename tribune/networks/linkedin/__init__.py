"""LinkedIn organization pages, on LinkedIn's versioned REST API (Community Management)."""
