"""Notifications: in-app rows plus an email, sent after the transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from tribune.accounts.models import Brand, BrandRole, User, WorkspaceMembership
from tribune.publishing.models import Notification

logger = logging.getLogger(__name__)


def people_with_roles(brand: Brand, roles: Iterable[str]) -> list[User]:
    ids = set(
        BrandRole.objects.filter(brand=brand, role__in=list(roles)).values_list("user", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def workspace_admins(brand: Brand) -> list[User]:
    ids = WorkspaceMembership.objects.filter(
        workspace_id=brand.workspace_id,
        role__in=[WorkspaceMembership.Role.OWNER, WorkspaceMembership.Role.ADMIN],
    ).values_list("user", flat=True)
    return list(User.objects.filter(pk__in=list(ids), is_active=True))


def notify(users: Iterable[User | None], brand: Brand, kind: str, text: str, link: str) -> int:
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    Notification.objects.bulk_create(
        [
            Notification(user=u, brand=brand, kind=kind, text=text, link=link)
            for u in recipients.values()
        ]
    )
    emails = [u.email for u in recipients.values()]
    if emails:
        url = settings.SITE_URL + link
        subject = f"[Tribune · {brand.name}] {text[:80]}"
        transaction.on_commit(lambda: _send(subject, f"{text}\n\n{url}", emails))
    return len(recipients)


def _send(subject: str, body: str, emails: list[str]) -> None:
    # The in-app notification is already stored; a mail server outage must not undo it.
    try:
        send_mail(subject, body, None, emails)
    except OSError:
        logger.exception("Notification email to %d people failed", len(emails))
