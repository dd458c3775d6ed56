"""The API's per-token request counter under concurrency: one upsert per request, no count
lost, each request sees its own rank; and "last used" written at most once a minute."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import make_user
from tribune.accounts.models import ApiToken
from tribune.accounts.services import authenticate_api_token, do_create_api_token
from tribune.api import auth
from tribune.api.models import RateWindow


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_are_all_counted(settings, monkeypatch):  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        workers, each = 4, 5  # SQLite writers queue behind one lock: fewer, same check
    else:
        workers, each = 8, 25
    settings.TRIBUNE_API_RATE_LIMIT = 1_000_000
    monkeypatch.setattr(auth, "clock", lambda: 1_800_000_000.0)
    token, _raw = do_create_api_token(make_user("rate@example.test"), "rate")
    seen: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(workers)

    def work() -> None:
        try:
            start.wait()
            for _ in range(each):
                counted = auth._count_request(token.pk, 30_000_000)
                with lock:
                    seen.append(counted)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    total = workers * each
    assert sorted(seen) == list(range(1, total + 1))  # every request got its own rank
    assert RateWindow.objects.get(token=token, window=30_000_000).count == total


@pytest.mark.django_db
def test_last_used_is_written_at_most_once_a_minute():  # type: ignore[no-untyped-def]
    token, raw = do_create_api_token(make_user("used@example.test"), "used")
    first = authenticate_api_token(raw)
    assert first is not None and first.last_used_at is not None
    stamp = ApiToken.objects.get(pk=token.pk).last_used_at
    assert authenticate_api_token(raw) is not None
    assert ApiToken.objects.get(pk=token.pk).last_used_at == stamp  # same minute: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    assert authenticate_api_token(raw) is not None
    assert ApiToken.objects.get(pk=token.pk).last_used_at > timezone.now() - timedelta(seconds=30)
