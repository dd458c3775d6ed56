"""Demo community for each demo brand: members from the sandbox audience (through the
inbox and the network's events), offline interactions, an ambassador pipeline, a past
event with attendance and an upcoming one, a scheduled briefing, feedback, segments.

Idempotent: a brand that already has community events is left as it is."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tribune.accounts.models import Brand, User
from tribune.core.scope import brand_scope

DEMO_BRANDS = ("maison-lumiere", "orbitale")


def seed_community(progress=print) -> None:  # type: ignore[no-untyped-def]
    for slug in DEMO_BRANDS:
        brand = Brand.objects.filter(slug=slug).first()
        if brand is None:
            continue
        with brand_scope(brand):
            _seed_brand(brand, progress)


def _seed_brand(brand: Brand, progress) -> None:  # type: ignore[no-untyped-def]
    from tribune.community.models import Event, Identity, Interaction, Invitation, Member
    from tribune.community.services import briefings, events, feedback, members, merge, scores
    from tribune.community.services.segments import compute_segments
    from tribune.inbox.ingest import poll_account
    from tribune.networks.models import SocialAccount

    if Event.objects.exists():
        return
    progress(f"  community of {brand.name} …")
    for account in SocialAccount.objects.filter(brand=brand, network="sandbox"):
        poll_account(account.pk)  # what the worker does every minute
    members.sync_brand(brand)
    scores.score_brand(brand)
    cm = User.objects.filter(
        brand_roles__brand=brand, brand_roles__role="community_manager"
    ).first()
    now = timezone.now()
    top = list(members.active_members().order_by("-score", "pk")[:15])
    for i, member in enumerate(top):
        handle = next(iter(member.identities.values_list("handle", flat=True)), f"m{member.pk}")
        address = f"{handle.split('.')[0]}@exemple.fr"
        if not Identity.objects.filter(network="email", handle=address).exists():
            members.do_add_identity(member, "email", address)
        members.do_set_consent(member, cm, i % 5 != 4, "formulaire du club (démo)")
        if i < 4:
            member.stage = ["ambassador", "engaged", "contacted", "identified"][i]
            member.stage_changed_at = now - timedelta(days=10 - i)
            member.remind_at = now + timedelta(days=i - 1)
            member.reminder_note = "Proposer un échantillon" if i else "Inviter au prochain atelier"
            member.tier = "Or" if i == 0 else ""
            member.save()
        if i < 6:
            members.do_log_interaction(
                member,
                cm,
                kind=["call", "email", "meetup", "gift", "sms", "im"][i],
                occurred_at=now - timedelta(days=3 + i),
                summary=[
                    "Appel de 20 min : très intéressée par la nouvelle gamme",
                    "Envoi du programme ambassadeurs",
                    "Café au salon de Lyon",
                    "Coffret découverte envoyé",
                    "Rappel de l'atelier",
                    "Échange sur la messagerie : idées de contenus",
                ][i],
            )
    # A duplicate to review: the first member, also known by email only.
    if top:
        twin = members.do_create_member(
            brand, cm, display_name=top[0].display_name, email="contact.pro@exemple.fr"
        )
        Interaction.objects.create(
            brand=brand,
            member=twin,
            kind="email",
            channel="email",
            occurred_at=now - timedelta(days=20),
            summary="Demande de partenariat reçue par email",
        )
    past = Event.objects.create(
        brand=brand,
        title="Atelier découverte",
        description="Démonstration et échanges avec l'équipe.",
        location="Lyon, 12 rue de la République",
        starts_at=now - timedelta(days=12),
        ends_at=now - timedelta(days=12) + timedelta(hours=2),
        capacity=12,
        survey_question="Qu'avez-vous pensé de l'atelier ?",
        created_by=cm,
    )
    for i, member in enumerate(top[:10]):
        invitation = Invitation.objects.create(
            brand=brand, event=past, member=member, invited_at=now - timedelta(days=30)
        )
        if i < 8:
            Invitation.objects.filter(pk=invitation.pk).update(status="going")
            if i < 6:
                invitation.refresh_from_db()
                events.do_check_in(invitation, cm)
                Interaction.objects.filter(source_key=f"event:{invitation.pk}:attended").update(
                    occurred_at=past.starts_at + timedelta(minutes=10)
                )
    upcoming = Event.objects.create(
        brand=brand,
        title="Soirée des ambassadeurs",
        description="Avant-première de la nouvelle gamme.",
        location="Paris, Le Comptoir",
        starts_at=now + timedelta(days=9),
        ends_at=now + timedelta(days=9, hours=3),
        capacity=8,
        created_by=cm,
    )
    for member in top[:12]:
        Invitation.objects.create(
            brand=brand, event=upcoming, member=member, invited_at=now - timedelta(days=1)
        )
    briefings.do_create_briefing(
        brand,
        cm,
        {
            "title": "Nouvelle gamme de printemps",
            "content": "La gamme sort le mois prochain : visuels, prix et argumentaire.",
            "link_url": "https://exemple.fr/printemps",
            "share_keyword": "#printemps",
            "embargo_until": now + timedelta(days=2),
        },
        top[:6],
    )
    for text, author in (
        ("Le coffret est trop cher cette année", "Salon de Lyon"),
        ("Il manque une recharge pour le flacon", "Atelier découverte"),
        ("Livraison arrivée avec 5 jours de retard", "Téléphone"),
    ):
        feedback.do_add_feedback(brand, cm, text=text, author_label=author)
    feedback.collect(brand)
    feedback.label_topics(brand)
    scores.score_brand(brand)
    merge.refresh_suggestions(brand)
    compute_segments(brand)
    Member.objects.filter(stage="ambassador").update(level="ambassador")
