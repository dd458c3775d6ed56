"""The queue, its filters and pages, bulk changes, the thread page, presence and the
reply collision check, through HTTP."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.inbox import factories as f
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.inbox import ingest
from tribune.inbox.models import Message, Note, Presence, Thread
from tribune.inbox.queries import QueueFilters, page


def _login(client, user) -> None:  # type: ignore[no-untyped-def]
    client.login(email=user.email, password=PASSWORD)


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(row.split('"')[0]) for row in response.content.decode().split('data-thread="')[1:]]


def test_filters_narrow_the_queue(tenants, accounts, client):
    fr, en = accounts
    star = f.person("star", followers=50_000, lang="en")
    f.mention("alpha.sandbox", "@alpha.sandbox ma commande est en retard, c'est nul")
    f.mention("alpha-en.sandbox", "@alpha-en.sandbox is there a student discount?", by=star)
    ingest.poll_account(fr.pk)
    ingest.poll_account(en.pk)
    with brand_scope(tenants.brand_a):
        late_fr = Thread.objects.get(account=fr)
        question_en = Thread.objects.get(account=en)
    cm = tenants.people["community_manager"]
    _login(client, cm)
    url = reverse("inbox:queue", args=["alpha"])
    assert set(_ids(client.get(url))) == {late_fr.pk, question_en.pk}
    assert _ids(client.get(url, {"sentiment": "negative"})) == [late_fr.pk]
    assert _ids(client.get(url, {"language": "en"})) == [question_en.pk]
    assert _ids(client.get(url, {"question": "on"})) == [question_en.pk]
    assert _ids(client.get(url, {"vip": "on"})) == [question_en.pk]
    assert _ids(client.get(url, {"account": en.pk})) == [question_en.pk]
    assert _ids(client.get(url, {"network": "sandbox"})) != []
    assert _ids(client.get(url, {"assignee": "me"})) == []

    client.post(reverse("inbox:thread_action", args=["alpha", late_fr.pk, "assign-me"]))
    client.post(
        reverse("inbox:thread_action", args=["alpha", late_fr.pk, "tag"]), {"tag": "#Livraison"}
    )
    assert _ids(client.get(url, {"assignee": "me"})) == [late_fr.pk]
    assert _ids(client.get(url, {"assignee": "none"})) == [question_en.pk]
    with brand_scope(tenants.brand_a):
        tag = late_fr.tags.get()
    assert tag.name == "Livraison"
    assert _ids(client.get(url, {"tag": tag.pk})) == [late_fr.pk]
    client.post(reverse("inbox:thread_action", args=["alpha", late_fr.pk, "close"]))
    assert _ids(client.get(url)) == [question_en.pk]  # open by default
    assert _ids(client.get(url, {"status": "closed", "assignee": "me"})) == [late_fr.pk]
    assert set(_ids(client.get(url, {"status": "all"}))) == {late_fr.pk, question_en.pk}
    assert client.get(url, {"status": "nonsense"}).status_code == 200  # ignored, not a crash


def test_pages_follow_activity_without_gaps_or_repeats(tenants):
    now = timezone.now()
    same = now - timedelta(hours=1)
    made = [
        f.thread(tenants.brand_a, at=same if n % 3 == 0 else now - timedelta(minutes=n))
        for n in range(7)
    ]
    seen: list[int] = []
    with brand_scope(tenants.brand_a):
        filters = QueueFilters()
        while True:
            rows, cursor = page(filters, tenants.owner.pk, size=3)
            seen += [t.pk for t in rows]
            if not cursor:
                break
            from tribune.inbox.queries import parse_before

            filters = QueueFilters(before=parse_before(cursor))
    assert sorted(seen) == sorted(t.pk for t in made) and len(seen) == len(set(seen))


def test_bulk_close_assign_and_tag(tenants, client):
    threads = [f.thread(tenants.brand_a) for _ in range(3)]
    foreign = f.thread(tenants.brand_b)
    cm = tenants.people["community_manager"]
    _login(client, cm)
    url = reverse("inbox:bulk", args=["alpha"])
    ids = [t.pk for t in threads[:2]] + [foreign.pk]
    client.post(url, {"threads": ids, "op": "assign", "assignee": cm.pk})
    client.post(url, {"threads": ids, "op": "tag", "tag": "urgent"})
    response = client.post(url, {"threads": ids, "op": "close", "qs": "status=open"})
    assert response["Location"] == "/b/alpha/inbox/?status=open"
    with brand_scope(tenants.brand_a, tenants.brand_b):
        rows = {t.pk: t for t in Thread.objects.all()}
        assert {rows[t.pk].status for t in threads[:2]} == {"closed"}
        assert rows[threads[2].pk].status == "open"
        assert {rows[t.pk].assignee_id for t in threads[:2]} == {cm.pk}
        assert all(rows[t.pk].tags.filter(name="urgent").exists() for t in threads[:2])
        assert rows[foreign.pk].status == "open"  # another brand's id is ignored
    assert AuditEvent.objects.filter(action="inbox.status_changed").count() == 2
    # Someone who cannot answer in the inbox cannot be assigned.
    client.post(
        url, {"threads": [threads[2].pk], "op": "assign", "assignee": tenants.people["analyst"].pk}
    )
    with brand_scope(tenants.brand_a):
        assert Thread.objects.get(pk=threads[2].pk).assignee is None


def test_roles_reading_and_answering(tenants, client):
    thread = f.thread(tenants.brand_a)
    _login(client, tenants.people["analyst"])
    assert client.get(reverse("inbox:thread", args=["alpha", thread.pk])).status_code == 200
    reply = reverse("inbox:reply", args=["alpha", thread.pk])
    assert client.post(reply, {"text": "Bonjour"}).status_code == 403
    close = reverse("inbox:thread_action", args=["alpha", thread.pk, "close"])
    assert client.post(close).status_code == 403
    _login(client, tenants.people["client_reviewer"])
    assert client.post(close).status_code == 403
    _login(client, tenants.outsider)
    assert client.get(reverse("inbox:queue", args=["alpha"])).status_code == 404


def test_the_thread_page_shows_actions_the_network_cannot_do_as_disabled(tenants, accounts, client):
    fr, _en = accounts
    f.mention("alpha.sandbox", "@alpha.sandbox bonjour")
    ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        thread = Thread.objects.get()
    _login(client, tenants.people["community_manager"])
    page_html = client.get(reverse("inbox:thread", args=["alpha", thread.pk])).content.decode()
    assert "disabled" in page_html and "Bac à sable" in page_html
    client.post(
        reverse("inbox:thread_action", args=["alpha", thread.pk, "note"]), {"text": "Client fidèle"}
    )
    with brand_scope(tenants.brand_a):
        assert Note.objects.get().text == "Client fidèle"
        message = Message.objects.get()
    response = client.post(reverse("inbox:message_action", args=["alpha", message.pk, "like"]))
    assert response.status_code == 302
    client.post(reverse("inbox:message_action", args=["alpha", message.pk, "hide"]))
    with brand_scope(tenants.brand_a):
        message.refresh_from_db()
    assert message.hidden
    assert AuditEvent.objects.filter(action="inbox.hidden").exists()


def test_presence_and_the_reply_collision(tenants, accounts, client):
    fr, _en = accounts
    f.mention("alpha.sandbox", "@alpha.sandbox où est mon colis ?")
    ingest.poll_account(fr.pk)
    with brand_scope(tenants.brand_a):
        thread = Thread.objects.get()
        seen = Message.objects.get().pk
    cm, smm = tenants.people["community_manager"], tenants.people["strategist"]
    presence = reverse("inbox:presence", args=["alpha", thread.pk])
    _login(client, smm)
    client.post(presence, {"state": "replying"})
    _login(client, cm)
    response = client.post(presence, {"state": "viewing"})
    assert 'data-testid="presence-replying"' in response.content.decode()
    assert smm.display_name in response.content.decode()

    # The strategist answers first; the CM's answer is held back with a warning.
    from tribune.inbox.services.replies import do_reply

    with brand_scope(tenants.brand_a):
        do_reply(thread, smm, "C'est en route !")
    reply = reverse("inbox:reply", args=["alpha", thread.pk])
    response = client.post(reply, {"text": "Il arrive demain.", "seen": seen})
    assert response.status_code == 409
    assert 'data-testid="collision"' in response.content.decode()
    assert "Il arrive demain." in response.content.decode()
    response = client.post(reply, {"text": "Il arrive demain.", "seen": seen, "send_anyway": "1"})
    assert response.status_code == 302

    # Leaving, or a stale mark older than the TTL, clears the warning.
    client.post(presence, {"state": "leave"})
    with brand_scope(tenants.brand_a):
        assert not Presence.objects.filter(user=cm).exists()
        Presence.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    response = client.post(presence, {"state": "viewing"})
    assert "presence-" not in response.content.decode()


def test_agency_inbox_lists_only_brands_the_person_has(tenants, client):
    mine = f.thread(tenants.brand_a, "Chez Alpha")
    sister = f.thread(tenants.brand_b, "Chez Beta")
    other = f.thread(tenants.brand_c, "Chez Gamma")
    _login(client, tenants.owner)
    ids = _ids(client.get(reverse("inbox:all")))
    assert set(ids) == {mine.pk, sister.pk}
    assert _ids(client.get(reverse("inbox:all"), {"brand": "beta"})) == [sister.pk]
    _login(client, tenants.people["community_manager"])
    assert _ids(client.get(reverse("inbox:all"))) == [mine.pk]
    assert other.pk not in ids


def test_saved_replies_are_managed_by_moderators(tenants, client):
    url = reverse("inbox:saved_replies", args=["alpha"])
    data = {"title": "Délai", "language": "fr", "body": "Bonjour {name}, comptez 48 h."}
    _login(client, tenants.people["analyst"])
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403
    _login(client, tenants.people["community_manager"])
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200 and "existe" in response.content.decode()
