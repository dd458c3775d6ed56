"""Bluesky (AT Protocol) connector. See docs/networks/bluesky.md."""
