"""The charter's versions and the single content-check entry point, on a real database."""

from __future__ import annotations

import pytest

from tests.strategy.factories import charter
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope, unscoped
from tribune.strategy.forms.charter_lines import parse_terms
from tribune.strategy.hours import BusinessHours
from tribune.strategy.models import CharterVersion
from tribune.strategy.rules import CharterRules, ContentContext, blocking
from tribune.strategy.services import check_brand_content
from tribune.strategy.services.charter import CharterConflict, current_rules, do_save_charter


def _save(brand, actor, banned="", base=None, document="Texte"):  # type: ignore[no-untyped-def]
    return do_save_charter(
        brand,
        actor,
        document_source=document,
        rules=CharterRules(banned_terms=parse_terms(banned, "block")),
        hours=BusinessHours(),
        note="test",
        base_version=base,
    )


def test_each_save_is_a_new_numbered_version_with_its_author(tenants):
    smm = tenants.people["strategist"]
    first, created = _save(tenants.brand_a, smm, "arnaque", base=0)
    second, created_again = _save(tenants.brand_a, smm, "arnaque\ngratuit | warn", base=1)
    assert (first.number, second.number) == (1, 2) and created and created_again
    assert second.created_by == smm and second.created_by_label == smm.email
    with brand_scope(tenants.brand_a):
        assert list(CharterVersion.objects.values_list("number", flat=True)) == [2, 1]
    # The first version is kept unchanged: versions are never edited in place.
    first.refresh_from_db()
    assert [t["term"] for t in first.rules["banned_terms"]] == ["arnaque"]


def test_saving_without_a_change_keeps_the_current_version(tenants):
    smm = tenants.people["strategist"]
    _save(tenants.brand_a, smm, "arnaque")
    version, created = _save(tenants.brand_a, smm, "arnaque")
    assert version.number == 1 and not created


def test_a_stale_editor_gets_a_conflict_not_a_silent_overwrite(tenants):
    smm, owner = tenants.people["strategist"], tenants.owner
    _save(tenants.brand_a, smm, "arnaque", base=0)
    _save(tenants.brand_a, owner, "arnaque\ngratuit", base=1)
    with pytest.raises(CharterConflict) as caught:
        _save(tenants.brand_a, smm, "promo", base=1)
    assert caught.value.current.number == 2
    with brand_scope(tenants.brand_a):
        assert CharterVersion.objects.count() == 2


def test_new_versions_are_audited_with_what_changed(tenants):
    smm = tenants.people["strategist"]
    _save(tenants.brand_a, smm, "arnaque", document="Un")
    _save(tenants.brand_a, smm, "arnaque", document="Deux")
    events = AuditEvent.objects.filter(brand=tenants.brand_a, action="charter.version_created")
    first, second = events.order_by("id")
    assert first.actor == smm and first.after["number"] == 1
    assert first.after["rules"]["banned_terms"][0]["term"] == "arnaque"
    # Only what changed is recorded on the second one.
    assert second.before == {"number": 1, "document": "Un"}
    assert second.after == {"number": 2, "document": "Deux"}


def test_the_document_is_stored_as_sanitised_html(tenants):
    version, _ = _save(
        tenants.brand_a,
        tenants.owner,
        document="## Ton\n<script>alert(1)</script> [x](javascript:alert(1)) **oui**",
    )
    assert "<h3>Ton</h3>" in version.document_html
    assert "<script>" not in version.document_html
    assert "&lt;script&gt;" in version.document_html
    assert 'href="javascript' not in version.document_html
    assert "<strong>oui</strong>" in version.document_html


def test_check_brand_content_uses_the_brands_current_charter(tenants):
    charter(tenants.brand_a, "arnaque | block")
    charter(tenants.brand_b, "promo | warn")
    problems = check_brand_content(tenants.brand_a, "mastodon", "Quelle arnaque, une promo")
    assert [(v.code, v.detail) for v in problems] == [("banned_term", "arnaque")]
    assert blocking(problems)
    other = check_brand_content(tenants.brand_b, "mastodon", "Quelle arnaque, une promo")
    assert [(v.code, v.severity) for v in other] == [("banned_term", "warn")]


def test_check_brand_content_works_from_any_scope(tenants):
    charter(tenants.brand_a, "arnaque")
    with brand_scope(tenants.brand_b):  # a caller busy with another brand
        assert check_brand_content(tenants.brand_a, "bluesky", "arnaque")
    with unscoped():
        assert check_brand_content(tenants.brand_a, "bluesky", "arnaque")
    assert check_brand_content(tenants.brand_a, "bluesky", "arnaque")  # no scope at all


def test_a_brand_without_charter_gets_the_engines_defaults(tenants):
    assert current_rules(tenants.brand_c) == CharterRules()
    problems = check_brand_content(
        tenants.brand_c, "mastodon", "Nouveau produit", ContentContext(sponsored=True)
    )
    assert [v.code for v in problems] == ["missing_disclosure"]
    ok = check_brand_content(
        tenants.brand_c, "mastodon", "Nouveau produit #partenariat", ContentContext(sponsored=True)
    )
    assert ok == []


def test_an_invalid_stored_charter_is_an_error_not_a_pass(tenants):
    version = charter(tenants.brand_a)
    with brand_scope(tenants.brand_a):
        CharterVersion.objects.filter(pk=version.pk).update(rules={"banned_terms": [{"x": 1}]})
    with pytest.raises(ValueError, match="banned_terms"):
        check_brand_content(tenants.brand_a, "mastodon", "texte")
