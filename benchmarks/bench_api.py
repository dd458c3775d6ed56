"""Public API and webhooks on PostgreSQL.

Seeds one brand with ``BENCH_POSTS`` posts (default 20,000, one variant each), then times
through Django's test ``Client`` (the whole path: bearer token, rate-limit window in the
database, brand resolution, query, serialisation) 50 requests each of the first page of
``GET /api/v1/brands/{b}/posts`` (50 posts), a page 100 cursors deep, and one post; then
emits ``BENCH_EVENTS`` webhook events (default 500) to a real HTTP receiver on 127.0.0.1
and times their delivery by the job's code (``webhooks.services.run_due``), signatures
included. No peer is named in issue 10; the figures are absolute.

    python -m benchmarks bench_api
    BENCH_POSTS=5000 BENCH_EVENTS=200 python -m benchmarks bench_api
"""

from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchmarks.common import drop_database, fresh_database, migrate, percentile, write_section

DB = "tribune_bench_api"
REQUESTS = 50


def _receiver() -> tuple[ThreadingHTTPServer, list[int]]:
    received: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.append(1)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def main() -> None:
    posts = int(os.environ.get("BENCH_POSTS", "20000"))
    events = int(os.environ.get("BENCH_EVENTS", "500"))
    url = fresh_database(DB)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TRIBUNE_LOG_LEVEL", "WARNING")
    os.environ["TRIBUNE_API_RATE_LIMIT"] = "1000000"
    os.environ["TRIBUNE_ALLOW_PRIVATE_URLS"] = "1"
    migrate(url)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
    django.setup()
    from django.test import Client
    from django.utils import timezone

    from tribune.accounts.models import User
    from tribune.accounts.services import do_create_api_token, do_create_brand, do_create_workspace
    from tribune.core.scope import brand_scope
    from tribune.networks.base import Credentials
    from tribune.networks.services import do_connect_account
    from tribune.publishing.models import Post, PostStatus, Variant
    from tribune.webhooks import services
    from tribune.webhooks.models import Delivery

    owner = User.objects.create_user("bench@example.test", "bench-password-123")
    workspace = do_create_workspace("Bench", "bench", "agency", owner)
    brand = do_create_brand(workspace, owner, name="B0", slug="b0")
    now = timezone.now()
    with brand_scope(brand):
        account = do_connect_account(brand, "sandbox", Credentials(handle="b0.sb"), owner)
        created = Post.objects.bulk_create(
            [
                Post(
                    brand=brand,
                    author=owner,
                    text=f"Post {i}",
                    status=PostStatus.PUBLISHED,
                    scheduled_at=now,
                )
                for i in range(posts)
            ],
            batch_size=2000,
        )
        Variant.objects.bulk_create(
            [
                Variant(
                    post=p,
                    brand=brand,
                    account=account,
                    status=PostStatus.PUBLISHED,
                    remote_id=f"r{p.pk}",
                    published_at=now,
                )
                for p in created
            ],
            batch_size=2000,
        )
    _token, raw = do_create_api_token(owner, "bench")
    client = Client()
    headers = {"Authorization": f"Bearer {raw}"}

    def timed(path: str) -> list[float]:
        times = []
        for _ in range(REQUESTS):
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        return times

    base = "/api/v1/brands/b0/posts?limit=50"
    cursor = None
    for _ in range(100):
        cursor = client.get(base + (f"&cursor={cursor}" if cursor else ""), headers=headers).json()[
            "next_cursor"
        ]
    rows = []
    for label, path in [
        ("first page of posts (50)", base),
        ("page 100 cursors deep (50)", f"{base}&cursor={cursor}"),
        ("one post", f"/api/v1/brands/b0/posts/{created[len(created) // 2].pk}"),
    ]:
        t = timed(path)
        rows.append(f"| {label} | {percentile(t, 50):.1f} | {percentile(t, 95):.1f} |")

    server, received = _receiver()
    with brand_scope(brand):
        services.do_create_subscription(
            brand,
            owner,
            url=f"http://127.0.0.1:{server.server_port}/hook",
            events=["post.published"],
        )
        for i in range(events):
            services.emit(brand, "post.published", {"post_id": i})
    start = time.perf_counter()
    while len(received) < events:
        services.run_due()
    elapsed = time.perf_counter() - start
    with brand_scope(brand):
        delivered = Delivery.objects.filter(status=Delivery.Status.DELIVERED).count()
    server.shutdown()
    load = os.getloadavg()[0]
    body = "\n".join(
        [
            "## Public API and webhooks (`benchmarks/bench_api.py`)",
            "",
            f"PostgreSQL, one brand with {posts:,} posts; {REQUESTS} requests each through the "
            "whole API path (bearer token, database rate window, brand resolution, query, "
            "JSON). Command: `python -m benchmarks bench_api`. No peer is named in issue 10.",
            "",
            "| request | p50 ms | p95 ms |",
            "| --- | --- | --- |",
            *rows,
            "",
            f"Webhooks: {events} events delivered to a local receiver by one worker in "
            f"{elapsed:.1f} s ({events / elapsed:.0f} deliveries/s, signed, logged; "
            f"{delivered} marked delivered). Load average at the end: {load:.1f}.",
        ]
    )
    write_section("bench_api", body)
    print(body)
    drop_database(DB)
