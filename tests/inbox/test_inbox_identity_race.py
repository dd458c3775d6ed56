"""Two workers polling two accounts of one brand can meet the same new author at once:
the second insert must fold into the first, not fail the whole page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from tribune.core.scope import brand_scope
from tribune.inbox.ingest import _insert_identity
from tribune.inbox.models import Identity

pytestmark = pytest.mark.django_db


def test_an_author_inserted_meanwhile_is_folded_into(tenants):
    seen = datetime(2026, 11, 30, 9, tzinfo=UTC)
    with brand_scope(tenants.brand_a):
        first = Identity.objects.create(
            brand=tenants.brand_a,
            network="sandbox",
            remote_id="u-42",
            handle="lea",
            display_name="Léa",
            first_seen_at=seen,
            last_seen_at=seen,
            message_count=2,
        )
        late = Identity(
            brand=tenants.brand_a,
            network="sandbox",
            remote_id="u-42",
            handle="lea_m",
            display_name="",
            followers=310,
            first_seen_at=seen - timedelta(hours=1),
            last_seen_at=seen + timedelta(hours=1),
            message_count=3,
        )
        with transaction.atomic():  # the page's transaction stays usable afterwards
            row = _insert_identity(late)
            assert Identity.objects.count() == 1
        row.refresh_from_db()
    assert row.pk == first.pk
    assert (row.handle, row.display_name, row.followers) == ("lea_m", "Léa", 310)
    assert row.message_count == 5
    assert row.first_seen_at == seen - timedelta(hours=1)
    assert row.last_seen_at == seen + timedelta(hours=1)
