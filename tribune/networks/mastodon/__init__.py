"""Mastodon (and compatible servers), on the maintained ``Mastodon.py`` client."""
