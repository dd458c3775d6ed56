"""YouTube channels, on the YouTube Data API v3 (what it allows: videos, comments, counts)."""
