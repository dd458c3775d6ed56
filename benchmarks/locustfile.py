"""The load-test mix of ``bench_load.py`` for Locust (its web UI, distributed runs).

Locust lives in its own virtual environment (``bash scripts/install-locust.sh``), never
in the project's. Point it at a running Tribune with a seeded brand (``tribune demo``, or
the database ``bench_load.py`` builds) and give it what the mix needs:

    TRIBUNE_LOAD_BRAND=alpha TRIBUNE_LOAD_SESSIONS=sessionid1,sessionid2 \\
    TRIBUNE_LOAD_TOKEN=trb_… TRIBUNE_LOAD_LINKS=bench000,bench001 \\
    .cache/tools/locust/bin/locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000

Community managers: inbox queue 50 %, a conversation 20 %, the calendar 15 %, the API's
thread list 15 %, 0.5–1.5 s between pages. Link clickers: ``/l/<code>`` without pause.
"""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, constant, task  # type: ignore[import-not-found]

BRAND = os.environ.get("TRIBUNE_LOAD_BRAND", "alpha")
SESSIONS = itertools.cycle(
    [s for s in os.environ.get("TRIBUNE_LOAD_SESSIONS", "").split(",") if s] or [""]
)
TOKEN = os.environ.get("TRIBUNE_LOAD_TOKEN", "")
LINKS = [c for c in os.environ.get("TRIBUNE_LOAD_LINKS", "").split(",") if c]


class CommunityManager(HttpUser):
    weight = 5
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", next(SESSIONS))
        self.threads: list[str] = []

    @task(50)
    def inbox(self) -> None:
        response = self.client.get(f"/b/{BRAND}/inbox/", name="inbox queue page")
        self.threads = re.findall(rf"/b/{BRAND}/inbox/t/(\d+)/", response.text)[:50]

    @task(20)
    def conversation(self) -> None:
        if self.threads:
            thread = random.choice(self.threads)
            self.client.get(f"/b/{BRAND}/inbox/t/{thread}/", name="inbox conversation")

    @task(15)
    def calendar(self) -> None:
        self.client.get(f"/b/{BRAND}/publishing/", name="calendar (month)")

    @task(15)
    def api(self) -> None:
        if TOKEN:
            self.client.get(
                f"/api/v1/brands/{BRAND}/inbox/threads?limit=50",
                headers={"Authorization": f"Bearer {TOKEN}"},
                name="API: thread list",
            )


class LinkClicker(HttpUser):
    weight = 1
    wait_time = constant(0)

    @task
    def click(self) -> None:
        if LINKS:
            self.client.get(
                f"/l/{random.choice(LINKS)}", allow_redirects=False, name="tracked-link redirect"
            )
