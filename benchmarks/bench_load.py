"""Load test on loopback: gunicorn (``tribune web``) and the link server (``tribune
linkserver``) on PostgreSQL, a realistic mix.

Seeds a fresh PostgreSQL database (an agency, 50 community managers on one brand,
``BENCH_THREADS`` inbox conversations, a month of scheduled posts, 200 tracked links, an
API token), starts ``tribune web`` on a free port, then drives it with a small asyncio
HTTP/1.1 keep-alive client (raw sockets: on 2 shared cores, a Python load tool such as
Locust would eat the CPU the server needs — ``benchmarks/locustfile.py`` runs the same
mix with Locust from ``scripts/install-locust.sh`` for those who prefer its UI).

Two phases:

1. **Community managers at work**: ``BENCH_USERS`` (50) logged-in people, each in a
   closed loop with a think time (``BENCH_THINK``: 1 s, then 5 s, each ±50 %; a comma
   list of seconds, each pace run in turn): inbox queue (50 %),
   a conversation (20 %), the calendar (15 %), the API's thread list with a token (15 %).
   Target (issue 11): inbox page p95 < 150 ms at 50 concurrent users.
2. **Tracked-link redirects at high rate**: ``BENCH_CONNECTIONS`` (32) keep-alive
   connections hammering ``/l/<code>`` with no think time, driven by ``wrk`` (C, one
   thread by default, ``BENCH_WRK_THREADS``; ``scripts/install-wrk.sh`` installs it, and
   the asyncio client stands in when it cannot, which the output says), against
   ``tribune linkserver`` (``BENCH_LINK_PROCESSES`` processes, 1 by default: on these 2
   cores the load generator and PostgreSQL need the other one), the way production
   routes ``/l/``. For comparison, the same run against gunicorn's WSGI fast path first
   (``BENCH_GUNICORN_LINKS=0`` skips it, and its warm-up: 2 × ``BENCH_SECONDS``).
   Target: ≥ 1,500 req/s with p99 < 50 ms. Every click is counted: after the link
   server's graceful stop (its last batch written), the number of ``LinkClick`` rows
   must equal the number of 302 answers (nothing lost) — give or take the requests wrk
   still had in flight when it stopped, which a server may have served after the client
   left (about one per connection; reported).

    python -m benchmarks bench_load
    BENCH_SECONDS=20 BENCH_WEB_WORKERS=3 python -m benchmarks bench_load
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from benchmarks.common import (
    ROOT,
    drop_database,
    fresh_database,
    migrate,
    percentile,
    write_section,
)

DB = "tribune_bench_load"
USERS = int(os.environ.get("BENCH_USERS", "50"))
# Think times of phase 1, run one after the other: 1 s is a stress pace (each person
# loads a page a second), 5 s still faster than a person reading and answering messages.
THINKS = [float(t) for t in os.environ.get("BENCH_THINK", "1,5").split(",") if t.strip()]
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
THREADS = int(os.environ.get("BENCH_THREADS", "20000"))
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS", "8"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "1"))
LINK_PROCESSES = int(os.environ.get("BENCH_LINK_PROCESSES", "1"))
GUNICORN_LINKS = os.environ.get("BENCH_GUNICORN_LINKS", "1") != "0"
WRK_SCRIPT = ROOT / "benchmarks" / "wrk_links.lua"


# --- seed ----------------------------------------------------------------------------------
def seed() -> dict:  # type: ignore[type-arg]
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from tribune.accounts.models import User
    from tribune.accounts.services import (
        do_create_api_token,
        do_create_brand,
        do_create_workspace,
        do_grant_brand_role,
    )
    from tribune.core.scope import brand_scope
    from tribune.inbox.models import Identity, Message, Thread
    from tribune.networks.services import do_connect_sandbox_account
    from tribune.publishing.models import Post, TrackedLink, Variant

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rng = random.Random(11)
    now = timezone.now()
    owner = User.objects.create_user("owner@bench.test", "bench-password-123")
    workspace = do_create_workspace("Bench", "bench", "agency", owner)
    brand = do_create_brand(workspace, owner, name="Alpha", slug="alpha")
    with brand_scope(brand):
        account = do_connect_sandbox_account(brand, "alpha.sandbox", "Alpha", "fr", owner)
        people = []
        for i in range(USERS):
            cm = User.objects.create_user(f"cm{i}@bench.test", "bench-password-123")
            do_grant_brand_role(brand, cm, "community_manager", owner)
            people.append(cm)
        authors = Identity.objects.bulk_create(
            Identity(
                brand=brand,
                network="sandbox",
                remote_id=f"p{i}",
                handle=f"personne{i}",
                display_name=f"Personne {i}",
                first_seen_at=now,
                last_seen_at=now,
            )
            for i in range(2000)
        )
        threads = Thread.objects.bulk_create(
            Thread(
                brand=brand,
                account=account,
                network="sandbox",
                key=f"t{i}",
                author=authors[i % len(authors)],
                last_text=f"Bonjour, une question sur la commande {i} ?",
                last_author_label=authors[i % len(authors)].display_name,
                last_activity_at=now - timedelta(minutes=i),
                created_at=now - timedelta(minutes=i),
                message_count=2,
                status=rng.choice(["open", "open", "open", "closed"]),
            )
            for i in range(THREADS)
        )
        Message.objects.bulk_create(
            Message(
                brand=brand,
                account=account,
                thread=t,
                remote_id=f"m{t.pk}-{j}",
                kind="mention" if j == 0 else "reply",
                author=t.author,
                text=f"Message {j} de la conversation {t.key}",
                created_at=t.created_at + timedelta(seconds=j),
            )
            for t in threads
            for j in range(2)
        )
        posts = Post.objects.bulk_create(
            Post(
                brand=brand,
                text=f"Publication {i} https://example.com/p/{i}",
                scheduled_at=now + timedelta(hours=6 * i),
                author=owner,
                status="scheduled",
            )
            for i in range(120)
        )
        Variant.objects.bulk_create(
            Variant(post=p, brand=brand, account=account, status="scheduled", due_at=p.scheduled_at)
            for p in posts
        )
        links = TrackedLink.objects.bulk_create(
            TrackedLink(
                brand=brand,
                code=f"bench{i:03d}",
                original_url=f"https://example.com/p/{i}",
                target_url=f"https://example.com/p/{i}?utm_source=sandbox&utm_medium=social",
                network="sandbox",
                campaign="bench",
            )
            for i in range(200)
        )
    _token, api_token = do_create_api_token(owner, "bench")
    cookies = []
    for person in people:
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session["2fa_ok_until"] = time.time() + 3600
        session.create()
        cookies.append(f"sessionid={session.session_key}")
    return {
        "cookies": cookies,
        "threads": [t.pk for t in threads[:2000]],
        "links": [link.code for link in links],
        "token": api_token,
    }


# --- a tiny HTTP/1.1 keep-alive client ------------------------------------------------------
class Conn:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str]) -> int:
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            assert self.reader is not None
            lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "User-Agent: Mozilla/5.0 bench"]
            lines += [f"{k}: {v}" for k, v in headers.items()]
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            try:
                await self.writer.drain()
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionError("closed")
                length, close = 0, False
                while True:
                    line = await self.reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value.strip())
                    elif name.lower() == "connection" and "close" in value.lower():
                        close = True
                if length:
                    await self.reader.readexactly(length)
                if close:
                    self.writer.close()
                    self.writer = None
                return int(status_line.split()[1])
            except (ConnectionError, asyncio.IncompleteReadError):
                self.writer = None
                if attempt:
                    raise
        return 0


async def _user(port, cookie, data, until, samples, rng, think):  # type: ignore[no-untyped-def]
    conn = Conn(port)
    await asyncio.sleep(rng.random() * think)
    while time.monotonic() < until:
        pick = rng.random()
        headers = {"Cookie": cookie}
        if pick < 0.50:
            name, path = "inbox queue page", "/b/alpha/inbox/"
        elif pick < 0.70:
            name, path = "inbox conversation", f"/b/alpha/inbox/t/{rng.choice(data['threads'])}/"
        elif pick < 0.85:
            name, path = "calendar (month)", "/b/alpha/publishing/"
        else:
            name, path = "API: thread list", "/api/v1/brands/alpha/inbox/threads?limit=50"
            headers = {"Authorization": f"Bearer {data['token']}"}
        start = time.perf_counter()
        status = await conn.get(path, headers)
        samples[name].append((time.perf_counter() - start, status))
        await asyncio.sleep(think * (0.5 + rng.random()))


async def _hammer(port, codes, until, samples, rng):  # type: ignore[no-untyped-def]
    conn = Conn(port)
    while time.monotonic() < until:
        start = time.perf_counter()
        status = await conn.get(f"/l/{rng.choice(codes)}", {})
        samples["tracked-link redirect"].append((time.perf_counter() - start, status))


async def _phase(port, data, kind, think=1.0, seconds=SECONDS):  # type: ignore[no-untyped-def]
    samples: dict[str, list[tuple[float, int]]] = defaultdict(list)
    rng = random.Random(3)
    until = time.monotonic() + seconds
    started = time.monotonic()
    if kind == "users":
        jobs = [_user(port, c, data, until, samples, rng, think) for c in data["cookies"]]
    else:
        jobs = [_hammer(port, data["links"], until, samples, rng) for _ in range(CONNECTIONS)]
    await asyncio.gather(*jobs)
    return samples, time.monotonic() - started


# --- redirect phase: wrk when available ----------------------------------------------------
def _wrk() -> tuple[str | None, str]:
    """wrk's path (installed by scripts/install-wrk.sh if missing), or None and why not."""
    if shutil.which("wrk") is None:
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "install-wrk.sh")], capture_output=True, text=True
        )
        if done.returncode != 0:
            return None, (done.stderr.strip().splitlines() or ["install failed"])[-1]
    path = shutil.which("wrk")
    return path, "" if path else "not on PATH after installation"


def _links_wrk(wrk: str, port: int, codes: list[str], name: str, seconds: float) -> dict:  # type: ignore[type-arg]
    """One redirect phase with wrk; the Lua script prints a TRIBUNE-WRK summary line."""
    command = [wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:.0f}s", "--latency"]
    command += ["-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}", "--", *codes]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((x for x in out.splitlines() if x.startswith("TRIBUNE-WRK ")), None)
    if line is None:
        raise RuntimeError(f"no summary line from wrk:\n{out}")
    f = {k: int(v) for k, v in (item.split("=") for item in line.split()[1:])}
    seconds = f["duration_us"] / 1e6
    socket_errors = f["connect"] + f["read"] + f["write"] + f["timeout"]
    return {
        "row": (
            name,
            f["answered"],
            f["answered"] / seconds,
            f["p50_us"] / 1000,
            f["p95_us"] / 1000,
            f["p99_us"] / 1000,
            f["answered"] - f["redirects"] + socket_errors,
        ),
        "redirects": f["redirects"],
        "in_flight": max(f["sent"] - f["answered"], 0),
    }


def _links_asyncio(port: int, data: dict, name: str, seconds: float) -> dict:  # type: ignore[type-arg]
    samples, took = asyncio.run(_phase(port, data, "links", seconds=seconds))
    (row,) = _rows(samples, took)
    redirects = sum(1 for _t, s in samples["tracked-link redirect"] if s == 302)
    # Errors here: anything but a redirect (the users phase counts only >= 400 as errors).
    row = (name, *row[1:6], row[1] - redirects)
    return {"row": row, "redirects": redirects, "in_flight": 0}


def _links(wrk: str | None, port: int, data: dict, name: str, seconds: float = SECONDS) -> dict:  # type: ignore[type-arg]
    if wrk:
        return _links_wrk(wrk, port, data["links"], name, seconds)
    return _links_asyncio(port, data, name, seconds)


def _start_linkserver(env: dict[str, str], log) -> tuple[subprocess.Popen, int]:  # type: ignore[no-untyped-def,type-arg]
    """``tribune linkserver`` on a free port, answering a redirect when this returns."""
    import http.client
    import tempfile

    port = _free_port()
    journal = tempfile.mkdtemp(prefix="bench-link-journal-")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tribune.cli",
            "linkserver",
            f"--bind=127.0.0.1:{port}",
            f"--processes={LINK_PROCESSES}",
            f"--journal-dir={journal}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/l/nothing")  # an unknown code: no click
            conn.getresponse().read()
            return server, port
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the link server did not start") from None
            time.sleep(0.3)
        finally:
            conn.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the web server did not start")


def _answering(port: int, timeout: float = 120) -> None:
    """Wait until the workers answer HTTP, not just the master's socket: wrk's first burst
    on workers still booting could stall those connections for the whole phase."""
    import http.client

    deadline, answers = time.monotonic() + timeout, 0
    while answers < 10:
        if time.monotonic() > deadline:
            raise RuntimeError("the web server does not answer")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            answers += 1
        except OSError:
            answers = 0
            time.sleep(0.5)
        finally:
            conn.close()


def _rows(samples, seconds):  # type: ignore[no-untyped-def]
    rows = []
    for name, values in sorted(samples.items()):
        times = [t * 1000 for t, _s in values]
        errors = sum(1 for _t, s in values if s >= 400 or s == 0)
        rows.append(
            (
                name,
                len(values),
                len(values) / seconds,
                percentile(times, 50),
                percentile(times, 95),
                percentile(times, 99),
                errors,
            )
        )
    return rows


def main() -> None:
    # Before anything of ours runs: what the rest of the machine is doing.
    load_start = os.getloadavg()[0]
    wrk, no_wrk = _wrk()
    if wrk is None:
        print(f"wrk unavailable ({no_wrk}): the asyncio client drives the redirects", flush=True)
    url = fresh_database(DB)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tribune.settings",
        "TRIBUNE_DEBUG": "0",
        "TRIBUNE_LOG_LEVEL": "WARNING",
        "TRIBUNE_API_RATE_LIMIT": "1000000",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")})
    os.environ["TRIBUNE_API_RATE_LIMIT"] = "1000000"
    server = links_server = None
    link_stop = None
    try:
        migrate(url)
        import django

        django.setup()
        from django.db import connection

        t0 = time.monotonic()
        data = seed()
        with connection.cursor() as cursor:
            # Planner statistics, as a database in service has them (autovacuum): without
            # them PostgreSQL guesses 10 rows for a brand's 20,000 threads.
            cursor.execute("ANALYZE")
        print(f"seeded in {time.monotonic() - t0:.0f} s", flush=True)
        connection.close()
        port = _free_port()
        log = open(Path("/tmp") / f"bench-load-{os.getpid()}.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tribune.cli",
                "web",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WEB_WORKERS),
                "--threads",
                str(WEB_THREADS),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait(port)
        _answering(port)
        paces = [(think, *asyncio.run(_phase(port, data, "users", think))) for think in THINKS]
        runs = []
        if GUNICORN_LINKS:
            runs.append(_links(wrk, port, data, "redirect, gunicorn warm-up"))
            runs.append(_links(wrk, port, data, "tracked-link redirect (gunicorn fast path)"))
        links_server, link_port = _start_linkserver(env, log)
        runs.append(_links(wrk, link_port, data, "link server warm-up", min(SECONDS, 3)))
        redirects = _links(wrk, link_port, data, "tracked-link redirect (link server)")
        runs.append(redirects)
        load_end = os.getloadavg()[0]
        time.sleep(2)  # requests wrk left in flight finish on the servers
        links_server.terminate()  # graceful: the last batch of clicks is written
        link_stop = links_server.wait(timeout=60)
        links_server = None
        from tribune.core.scope import unscoped
        from tribune.publishing.models import LinkClick

        with unscoped():
            clicks = LinkClick.objects.count()
        served = sum(run["redirects"] for run in runs)
        in_flight = sum(run["in_flight"] for run in runs)
    finally:
        for process in (server, links_server):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        drop_database(DB)
    link = redirects["row"]
    link_rows = [run["row"] for run in runs if "warm-up" not in run["row"][0]]
    tables, verdicts = [], []
    for think, users, users_s in paces:
        rows = _rows(users, users_s)
        for row in rows + link_rows:
            print(
                "think {:3.1f} s {:42} n={:6} {:7.1f} req/s p50 {:6.1f} p95 {:6.1f} p99 {:6.1f} ms "
                "errors {}".format(think, *row)
            )
        pages = sum(r[2] for r in rows)
        tables += [
            f"Phase 1, think time {think:.1f} s ±50 % ({pages:.0f} pages/s served):",
            "",
            "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *[
                f"| {n} | {c} | {r:.0f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {e} |"
                for n, c, r, p50, p95, p99, e in rows
            ],
            "",
        ]
        inbox = next(r for r in rows if r[0] == "inbox queue page")
        verdicts.append(
            f"- Inbox page p95 {inbox[4]:.0f} ms at {USERS} users, think time {think:.1f} s "
            f"(target < 150 ms): {'met' if inbox[4] < 150 else 'NOT met'}."
        )
    tables += [
        "Phase 2, tracked-link redirects:",
        "",
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *[
            f"| {n} | {c} | {r:.0f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {e} |"
            for n, c, r, p50, p95, p99, e in link_rows
        ],
    ]
    body = "\n".join(
        [
            "## Load test (web, PostgreSQL, loopback)",
            "",
            f"`python -m benchmarks bench_load` — gunicorn `tribune web` with {WEB_WORKERS} "
            f"workers × {WEB_THREADS} threads on PostgreSQL; {THREADS:,} inbox "
            f"conversations; phase 1: {USERS} logged-in community managers, think time "
            f"{' s, then '.join(f'{t:.1f}' for t in THINKS)} s ±50 %, {SECONDS:.0f} s each; "
            f"phase 2: {CONNECTIONS} keep-alive "
            f"connections on `/l/<code>` without pause, {SECONDS:.0f} s, on `tribune "
            f"linkserver` ({LINK_PROCESSES} process{'es' if LINK_PROCESSES > 1 else ''})"
            + (", then on gunicorn's WSGI fast path for comparison" if GUNICORN_LINKS else "")
            + ". The load generators "
            + (
                "(asyncio raw sockets for phase 1, wrk with "
                f"{WRK_THREADS} thread{'s' if WRK_THREADS > 1 else ''} for phase 2) run on the "
                "same 2 cores."
                if wrk
                else "(asyncio, raw sockets, for both phases: wrk could not be installed — "
                f"{no_wrk}) run on the same 2 cores."
            ),
            "",
            *tables,
            "",
            *verdicts,
            f"- Tracked-link redirect (link server) {link[2]:.0f} req/s, p99 {link[5]:.0f} ms "
            "(target "
            f"≥ 1,500 req/s, p99 < 50 ms): "
            f"{'met' if link[2] >= 1500 and link[5] < 50 else 'NOT met'}.",
            f"- Clicks recorded: {clicks:,} rows for {served:,} redirects answered (warm-ups "
            f"included; the link server written out by its graceful stop, exit {link_stop})"
            + (f" and {in_flight} requests still in flight when wrk stopped" if in_flight else "")
            + ": "
            + (
                "none lost."
                if served <= clicks <= served + in_flight
                else f"MISMATCH ({clicks - served:+,})."
            ),
            f"- Machine load (1-min average) before the benchmark started: {load_start:.1f}, "
            "the work of other processes on these 2 cores"
            + (
                " (more runnable processes than cores: the figures include queueing behind them)"
                if load_start > (os.cpu_count() or 1)
                else ""
            )
            + f"; {load_end:.1f} at the end of the redirect phase, this benchmark's own "
            "server, database and load generator included.",
        ]
    )
    write_section("bench_load", body)
