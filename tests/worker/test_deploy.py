"""Production shape: 2 web processes (gunicorn) + 2 workers on one database."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.processes import env, free_port, log_tail, processes, wait_http
from tribune.accounts.models import User

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _login(base: str, client: httpx.Client, email: str, password: str) -> httpx.Response:
    page = client.get(f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(
        f"{base}/login/",
        data={"csrfmiddlewaretoken": token, "email": email, "password": password},
        headers={"Referer": f"{base}/login/"},
    )


def test_two_web_and_two_worker_processes_share_one_database(tmp_path, is_postgres, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    User.objects.create_user("ops@example.test", "Ops password 2026")
    ports = [free_port(), free_port()]
    environ = env(TRIBUNE_PROBE_SECONDS="2", TRIBUNE_SCHEDULER_TICK="0.5")
    commands = [["web", "--bind", f"127.0.0.1:{p}", "--workers", "2"] for p in ports]
    commands += [["worker"], ["worker"]]
    with processes(commands, environ, tmp_path):
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        try:
            for base in bases:
                body = wait_http(f"{base}/healthz", timeout=40, status=200).json()
                assert body["database"]["vendor"] == ("postgresql" if is_postgres else "sqlite")
            deadline = time.monotonic() + 30
            while wait_http(f"{bases[1]}/healthz").json()["worker"]["alive"] < 2:
                assert time.monotonic() < deadline, "both workers should report a heartbeat"
                time.sleep(0.5)
            # A session opened on one web process is valid on the other.
            with httpx.Client(follow_redirects=False) as client:
                assert (
                    _login(bases[0], client, "ops@example.test", "Ops password 2026").status_code
                    == 302
                )
                home = client.get(f"{bases[1]}/")
                assert home.status_code == 200 and "ops" in home.text.lower()
            # Static files are served by the web processes.
            css = httpx.get(f"{bases[1]}/static/tribune/app.css")
            assert css.status_code == 200 and "--accent" in css.text
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{log_tail(tmp_path)}") from None
