"""Unified inbox and moderation: every mention, reply, quote and direct message of every
connected account in one queue, threads, assignment, saved replies, response times
against the charter, moderation rules. See docs/inbox.md."""
