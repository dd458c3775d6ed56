"""Listening and e-reputation: boolean queries over RSS/Atom feeds and the sandbox
network, mentions with language/sentiment/toxicity, crisis detection, 24/7 alerts.
See docs/listening.md."""
