"""Screens: correcting an inbox message's analysis, the brand's corrections and versions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.inbox.factories import thread
from tribune.analysis.brand_models import do_record_correction, do_train_brand_model
from tribune.analysis.models import BrandModel, Correction
from tribune.analysis.tasks import train_brand_model
from tribune.core.scope import brand_scope
from tribune.inbox.models import Message

pytestmark = pytest.mark.django_db


def _login(client, user):  # type: ignore[no-untyped-def]
    assert client.login(email=user.email, password=PASSWORD)


def _message(brand, text="Votre pub est à mourir de rire", **fields):  # type: ignore[no-untyped-def]
    row = thread(brand, text)
    with brand_scope(brand):
        message = row.messages.get()
        Message.objects.filter(pk=message.pk).update(**fields)
        message.refresh_from_db()
        return message


def _correct_url(brand, message):  # type: ignore[no-untyped-def]
    return reverse("analysis:correct_message", args=[brand.slug, message.pk])


def test_thread_shows_the_correction_controls_to_moderators(client, tenants):
    message = _message(tenants.brand_a, sentiment="negative")
    _login(client, tenants.people["community_manager"])
    page = client.get(reverse("inbox:thread", args=["alpha", message.thread_id]))
    html = page.content.decode()
    assert 'data-testid="correct-analysis"' in html
    assert _correct_url(tenants.brand_a, message) in html
    assert 'value="positive"' in html and 'value="negative"' not in html  # not the current one
    _login(client, tenants.people["analyst"])
    page = client.get(reverse("inbox:thread", args=["alpha", message.thread_id]))
    assert 'data-testid="correct-analysis"' not in page.content.decode()


def test_a_moderator_corrects_the_sentiment_and_it_is_stored(client, tenants):
    message = _message(tenants.brand_a, sentiment="negative")
    cm = tenants.people["community_manager"]
    _login(client, cm)
    response = client.post(
        _correct_url(tenants.brand_a, message), {"task": "sentiment", "label": "positive"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#m{message.pk}")
    with brand_scope(tenants.brand_a):
        correction = Correction.objects.get()
        message.refresh_from_db()
    assert message.sentiment == "positive"  # the inbox shows the human verdict at once
    assert message.analysis_engine == "human"
    assert (correction.task, correction.old_label, correction.new_label) == (
        "sentiment",
        "negative",
        "positive",
    )
    assert (correction.source, correction.source_id, correction.created_by) == (
        "inbox",
        message.pk,
        cm,
    )
    assert correction.text == message.text


def test_toxicity_correction_and_bad_input(client, tenants):
    message = _message(tenants.brand_a, toxic=True, toxicity=0.9, sentiment="negative")
    _login(client, tenants.people["strategist"])
    url = _correct_url(tenants.brand_a, message)
    client.post(url, {"task": "toxicity", "label": "non-toxic"})
    with brand_scope(tenants.brand_a):
        message.refresh_from_db()
        assert not message.toxic
        assert Correction.objects.get().old_label == "toxic"
    response = client.post(url, {"task": "sentiment", "label": "furieux"}, follow=True)
    assert "n’est pas une valeur possible" in response.content.decode()
    with brand_scope(tenants.brand_a):
        assert Correction.objects.count() == 1


def test_roles_and_foreign_messages(client, tenants):
    message = _message(tenants.brand_a)
    _login(client, tenants.people["analyst"])
    url = _correct_url(tenants.brand_a, message)
    assert client.post(url, {"task": "sentiment", "label": "positive"}).status_code == 403
    foreign = _message(tenants.brand_b)
    _login(client, tenants.people["community_manager"])
    # Brand B's message under brand A's address: not found.
    response = client.post(
        _correct_url(tenants.brand_a, foreign), {"task": "sentiment", "label": "positive"}
    )
    assert response.status_code == 404
    assert client.get(url).status_code == 405
    with brand_scope(tenants.brand_a, tenants.brand_b):
        assert not Correction.objects.exists()


@pytest.mark.usefixtures("warm_model")
def test_models_page_lists_corrections_and_versions_and_rolls_back(client, tenants):
    brand = tenants.brand_a
    do_record_correction(
        brand, task="sentiment", text="Ce parfum tue", new_label="positive", old_label="negative"
    )
    v1 = do_train_brand_model(brand)
    assert train_brand_model.call(brand.pk, tenants.owner.pk) == 2  # the background job
    _login(client, tenants.people["analyst"])
    page = client.get(reverse("analysis:models", args=["alpha"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ce parfum tue" in html and html.count('data-testid="version"') == 2
    assert reverse("analysis:activate", args=["alpha", v1.pk]) not in html  # read-only
    assert client.post(reverse("analysis:activate", args=["alpha", v1.pk])).status_code == 403

    _login(client, tenants.people["strategist"])
    html = client.get(reverse("analysis:models", args=["alpha"])).content.decode()
    assert reverse("analysis:activate", args=["alpha", v1.pk]) in html
    client.post(reverse("analysis:activate", args=["alpha", v1.pk]))
    with brand_scope(brand):
        assert BrandModel.objects.get(active=True).version == 1
    client.post(reverse("analysis:use_default", args=["alpha"]))
    with brand_scope(brand):
        assert not BrandModel.objects.filter(active=True).exists()
    response = client.post(reverse("analysis:train", args=["alpha"]))
    assert response.status_code == 302


def test_train_button_without_corrections_says_why(client, tenants):
    _login(client, tenants.people["strategist"])
    response = client.post(reverse("analysis:train", args=["alpha"]), follow=True)
    assert "rien sur quoi entraîner" in response.content.decode()


def test_a_listening_mention_can_be_corrected(client, tenants):
    from tests.analysis.factories import mention
    from tribune.listening.models import Mention

    row = mention(tenants.brand_a, "Ce parfum tue", sentiment="negative", toxicity=0.8)
    _login(client, tenants.people["community_manager"])
    url = reverse("analysis:correct_mention", args=["alpha", row.pk])
    response = client.post(url, {"task": "sentiment", "label": "positive"})
    assert response["Location"] == reverse("listening:mentions", args=["alpha"])
    client.post(url, {"task": "toxicity", "label": "non-toxic"})
    with brand_scope(tenants.brand_a):
        row = Mention.objects.get(pk=row.pk)
        corrections = list(
            Correction.objects.order_by("id").values_list(
                "task", "old_label", "new_label", "source"
            )
        )
    assert (row.sentiment, row.toxicity, row.analysis_engine) == ("positive", 0.0, "human")
    assert corrections == [
        ("sentiment", "negative", "positive", "listening"),
        ("toxicity", "toxic", "non-toxic", "listening"),
    ]
    foreign = mention(tenants.brand_b)
    response = client.post(
        reverse("analysis:correct_mention", args=["alpha", foreign.pk]),
        {"task": "sentiment", "label": "positive"},
    )
    assert response.status_code == 404


def test_the_mentions_page_offers_the_correction_to_moderators_only(client, tenants):
    from tests.analysis.factories import mention

    row = mention(tenants.brand_a, "Ce parfum tue", sentiment="negative", toxicity=0.8)
    url = reverse("analysis:correct_mention", args=["alpha", row.pk])
    _login(client, tenants.people["community_manager"])
    html = client.get(reverse("listening:mentions", args=["alpha"])).content.decode()
    assert 'data-testid="correct-mention"' in html and f'action="{url}"' in html
    assert 'value="positive"' in html and 'value="non-toxic"' in html
    assert 'name="label" value="negative"' not in html  # already its label
    client.logout()
    _login(client, tenants.people["analyst"])
    html = client.get(reverse("listening:mentions", args=["alpha"])).content.decode()
    assert "Ce parfum tue" in html and 'data-testid="correct-mention"' not in html
