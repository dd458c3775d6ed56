"""Inbox fixtures: two sandbox accounts on brand Alpha, the lexicon analysis engine."""

from __future__ import annotations

import pytest

from tribune.core.scope import brand_scope
from tribune.networks.services import do_connect_sandbox_account


@pytest.fixture(autouse=True)
def _lexicon_analysis(settings):  # type: ignore[no-untyped-def]
    # Deterministic and instant; tests/inbox/test_inbox_analysis.py runs the real model.
    settings.TRIBUNE_INBOX_ANALYSIS = "lexicon"


@pytest.fixture
def accounts(tenants, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Two sandbox accounts on brand Alpha (a French and an English one)."""
    with brand_scope(tenants.brand_a):
        fr = do_connect_sandbox_account(
            tenants.brand_a, "alpha.sandbox", "Alpha", "fr", tenants.owner
        )
        en = do_connect_sandbox_account(
            tenants.brand_a, "alpha-en.sandbox", "Alpha EN", "en", tenants.owner
        )
    return fr, en
