"""``tribune run``: the embedded default — web and worker in one process."""

from __future__ import annotations

from tribune.core.management.commands.web import Command as WebCommand


class Command(WebCommand):
    help = "Serve the web interface with a background worker in the same process."
    embedded_worker = True
