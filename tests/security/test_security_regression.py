"""Deliberate regressions: switch a guard off and prove the suite that watches it
reports failures. Without these, a suite that silently stopped testing anything (a
crawler reaching no page, a trap nobody calls) would still be green."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from tests.security.securitylib import (
    Trap,
    csrf_failures,
    disabled_guard,
    isolation_failures,
    ssrf_failures,
    xss_failures,
)
from tests.security.test_security_ssrf import entry_points
from tests.security.test_security_xss import crawl_as_owner, seed_hostile
from tests.web.test_isolation_matrix import BRAND_URLS, OBJECT_FACTORIES

pytestmark = pytest.mark.django_db

# A sample of brand pages across the areas (the full matrix runs in tests/web).
ISOLATION_SAMPLE = [
    (name, keys)
    for name, keys in BRAND_URLS
    if name
    in {
        "web:dashboard",
        "publishing:calendar",
        "publishing:post",
        "inbox:queue",
        "inbox:thread",
        "listening:mentions",
        "listening:alert",
    }
]


def test_isolation_suite_fails_without_the_brand_check(client, tenants):
    assert len(ISOLATION_SAMPLE) >= 5, ISOLATION_SAMPLE
    assert isolation_failures(client, tenants, ISOLATION_SAMPLE, OBJECT_FACTORIES) == []
    with disabled_guard("brand_scope"):
        leaks = isolation_failures(client, tenants, ISOLATION_SAMPLE, OBJECT_FACTORIES)
    # Every sampled page of both foreign brands is now reachable.
    assert len(leaks) == 2 * len(ISOLATION_SAMPLE), leaks


def test_xss_suite_fails_without_escaping(client, tenants, settings):
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"
    seeded = seed_hostile(tenants)
    with disabled_guard("escaping"):
        pages = crawl_as_owner(client, tenants, seeded).html()
    failures = xss_failures(pages)
    assert len(failures) >= 10, failures
    assert any("<script>alert(" in f for f in failures)


# Entry points that only check the address (they send nothing): they cannot reach the trap.
CHECK_ONLY = {"outgoing webhook (subscription)"}


def test_ssrf_suite_fails_without_the_private_address_guard(client, tenants, settings):
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
    settings.TRIBUNE_HTTP_TIMEOUT = 2
    probes = entry_points(client, tenants)
    with Trap() as trap, disabled_guard("ssrf"):
        failures = ssrf_failures(probes, trap, trap.urls()[:2])
    reached = {f.split(":")[0] for f in failures if "reached the trap" in f}
    # Every entry point now lets the request through to the loopback server, except
    # the Bluesky screen, whose form also demands https:// (a second guard; the trap
    # speaks plain HTTP).
    assert reached == set(probes) - {"Bluesky connect screen"} - CHECK_ONLY, failures


def test_csrf_suite_fails_without_the_middleware(tenants, settings):
    client = Client(enforce_csrf_checks=True)
    client.login(email=tenants.owner.email, password=PASSWORD)
    with disabled_guard("csrf", settings):
        failures = csrf_failures(client)
    assert len(failures) >= 20, failures
