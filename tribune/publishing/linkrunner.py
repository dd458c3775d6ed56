"""Processes of ``tribune linkserver``: one event loop per process, ``N`` processes on one
port (``SO_REUSEPORT``: the kernel spreads connections), a parent that restarts a child
that died and stops them all on ``SIGTERM``/``SIGINT``.

Stopping a process: it stops accepting, answers what its connections already sent
(``Connection: close``), waits for their last bytes (up to ``DRAIN_SECONDS``), writes its
buffered clicks, and exits 0. A click the database could not take by then stays in the
journal, replayed by the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

from tribune.publishing.clickstore import ClickStore
from tribune.publishing.linkserver import IDLE_SECONDS, LINK_TTL, App, LinkProtocol

logger = logging.getLogger("tribune.linkserver")
DRAIN_SECONDS = 5.0


def listening_socket(host: str, port: int, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


async def _sweep(app: App) -> None:
    """Close keep-alive connections idle for too long, and half-sent requests (slowloris)."""
    while True:
        await asyncio.sleep(1.0)
        now = time.monotonic()
        for conn in list(app.connections):
            limit = IDLE_SECONDS if not conn.buffer else 10.0
            if not conn.waiting and now - conn.last_seen > limit and conn.transport is not None:
                conn.transport.close()


async def _serve(sock: socket.socket, app: App) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    server = await loop.create_server(lambda: LinkProtocol(app), sock=sock, backlog=1024)
    sweeper = asyncio.ensure_future(_sweep(app))
    logger.info("linkserver: process %d serving on %s", os.getpid(), sock.getsockname())
    await stop.wait()
    app.stopping = True
    server.close()
    for conn in list(app.connections):
        if conn.idle and conn.transport is not None:
            conn.transport.close()
    deadline = time.monotonic() + DRAIN_SECONDS
    while app.connections and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    sweeper.cancel()


@dataclass(frozen=True)
class Options:
    journal_dir: Path
    flush_interval: float = 0.05
    cache_seconds: float = LINK_TTL


def serve_one(sock: socket.socket, options: Options) -> int:
    """One link-server process on ``sock`` until a stop signal; the exit status."""
    journal_dir = options.journal_dir
    store = ClickStore(journal_dir, interval=options.flush_interval)
    store.start()
    connections.close_all()  # the main thread's, used by start(); the loop never queries
    app = App(store, options.cache_seconds)
    # Everything loaded so far (Django, the models, the URL map) lives as long as the
    # process: out of the collector's sight, a full collection no longer walks it — a
    # pause of tens of milliseconds that would land on some redirect's latency.
    gc.collect()
    gc.freeze()
    asyncio.run(_serve(sock, app))
    app.cache.executor.shutdown(wait=False, cancel_futures=True)
    clean = store.stop()
    if clean:
        logger.info("linkserver: process %d stopped, %d clicks written", os.getpid(), store.flushed)
    else:
        logger.warning(
            "linkserver: process %d stopped with %d clicks left in the journal (%s)",
            os.getpid(),
            store.buffered,
            journal_dir,
        )
    return 0


def run(host: str, port: int, processes: int, options: Options) -> int:
    if processes <= 1:
        return serve_one(listening_socket(host, port, False), options)
    connections.close_all()  # none shared with the children
    children: dict[int, float] = {}
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            status = 1
            try:
                status = serve_one(listening_socket(host, port, True), options)
            except Exception:
                logger.exception("linkserver: process %d failed", os.getpid())
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        children[pid] = time.monotonic()

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for _ in range(processes):
        spawn()
    status = 0
    while children:
        try:
            pid, code = os.wait()
        except ChildProcessError:
            break
        started = children.pop(pid, time.monotonic())
        if stopping:
            continue
        exit_code = os.waitstatus_to_exitcode(code)
        if exit_code == 1 and time.monotonic() - started < 2.0:
            logger.error("linkserver: process %d could not start; stopping", pid)
            status = 1
            on_signal(signal.SIGTERM, None)
            continue
        logger.warning("linkserver: process %d ended (%d); starting another", pid, exit_code)
        time.sleep(0.5)
        spawn()
    return status
