"""Service functions for tenancy. ``do_*`` assume valid input; ``check_*`` validate."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import (
    ApiToken,
    Brand,
    BrandRole,
    Invitation,
    User,
    Workspace,
    WorkspaceMembership,
)
from tribune.core.audit import record_audit


class InvitationError(ValueError):
    pass


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_workspace(name: str, slug: str, kind: str, owner: User) -> Workspace:
    workspace = Workspace.objects.create(name=name, slug=slug, kind=kind)
    WorkspaceMembership.objects.create(
        workspace=workspace, user=owner, role=WorkspaceMembership.Role.OWNER
    )
    record_audit(
        "workspace.created",
        actor=owner,
        workspace=workspace,
        obj=workspace,
        after={"name": name, "slug": slug, "kind": kind},
    )
    return workspace


@transaction.atomic
def do_create_brand(workspace: Workspace, actor: User | None, **fields: Any) -> Brand:
    brand = Brand(workspace=workspace, **fields)
    brand.full_clean()
    brand.save()
    record_audit(
        "brand.created",
        actor=actor,
        brand=brand,
        obj=brand,
        after={"name": brand.name, "slug": brand.slug, "timezone": brand.timezone},
    )
    return brand


@transaction.atomic
def do_grant_brand_role(brand: Brand, user: User, role: str, actor: User | None) -> BrandRole:
    grant, created = BrandRole.objects.get_or_create(brand=brand, user=user, role=role)
    if created:
        WorkspaceMembership.objects.get_or_create(workspace=brand.workspace, user=user)
        record_audit(
            "brand.role_granted",
            actor=actor,
            brand=brand,
            obj=grant,
            after={"user": user.email, "role": role},
        )
    return grant


@transaction.atomic
def do_revoke_brand_role(brand: Brand, user: User, role: str, actor: User | None) -> None:
    deleted, _rows = BrandRole.objects.filter(brand=brand, user=user, role=role).delete()
    if deleted:
        record_audit(
            "brand.role_revoked",
            actor=actor,
            brand=brand,
            before={"user": user.email, "role": role},
        )


def check_brand_roles(workspace: Workspace, brand_roles: list[dict[str, Any]]) -> None:
    valid_roles = set(BrandRole.Role.values)
    brand_ids = set(workspace.brands.values_list("id", flat=True))
    for item in brand_roles:
        if item.get("role") not in valid_roles:
            raise InvitationError(_("Unknown role: %(role)s") % {"role": item.get("role")})
        if item.get("brand") not in brand_ids:
            raise InvitationError(_("That brand is not part of this workspace."))


@transaction.atomic
def do_invite(
    workspace: Workspace,
    email: str,
    actor: User,
    workspace_role: str = WorkspaceMembership.Role.MEMBER,
    brand_roles: list[dict[str, Any]] | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the raw token (shown once)."""
    brand_roles = brand_roles or []
    check_brand_roles(workspace, brand_roles)
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email.strip().lower(),
        workspace_role=workspace_role,
        brand_roles=brand_roles,
        token_hash=_hash(raw),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.TRIBUNE_INVITATION_DAYS),
    )
    link = settings.SITE_URL + reverse("accounts:accept_invitation", args=[raw])
    record_audit(
        "invitation.sent",
        actor=actor,
        workspace=workspace,
        obj=invitation,
        after={"email": invitation.email, "brand_roles": brand_roles},
    )
    transaction.on_commit(
        lambda: send_mail(
            _("Invitation to join %(workspace)s on Tribune") % {"workspace": workspace.name},
            _(
                "%(name)s invites you to join %(workspace)s on Tribune.\n\n"
                "Accept the invitation: %(link)s\n\nThis link expires in %(days)s days."
            )
            % {
                "name": actor.display_name,
                "workspace": workspace.name,
                "link": link,
                "days": settings.TRIBUNE_INVITATION_DAYS,
            },
            None,
            [invitation.email],
        )
    )
    return invitation, raw


def find_invitation(raw: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("workspace").filter(token_hash=_hash(raw)).first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


@transaction.atomic
def do_accept_invitation(invitation: Invitation, user: User) -> None:
    # Conditional update: two clicks on the same link accept it once.
    taken = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not taken:
        raise InvitationError(_("This invitation has already been used."))
    membership, _created = WorkspaceMembership.objects.get_or_create(
        workspace=invitation.workspace,
        user=user,
        defaults={"role": invitation.workspace_role},
    )
    for item in invitation.brand_roles:
        brand = Brand.objects.filter(pk=item["brand"], workspace=invitation.workspace).first()
        if brand is not None:
            BrandRole.objects.get_or_create(brand=brand, user=user, role=item["role"])
    record_audit(
        "invitation.accepted",
        actor=user,
        workspace=invitation.workspace,
        obj=invitation,
        after={"email": user.email},
    )


@transaction.atomic
def do_create_api_token(
    user: User, name: str, scopes: list[str] | None = None, brands: list[Brand] | None = None
) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown once and never stored."""
    prefix = secrets.token_hex(4)
    raw = f"trb_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=_hash(raw), scopes=scopes or []
    )
    if brands:
        token.brands.set(brands)
    record_audit("api_token.created", actor=user, obj=token, after={"name": name})
    return token, raw


LAST_USED_PRECISION = timedelta(minutes=1)


def authenticate_api_token(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        # "Last used" to the minute: a client calling many times a second should not
        # turn every read into a write of the token's row.
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def do_revoke_api_token(token: ApiToken, actor: User) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_audit("api_token.revoked", actor=actor, obj=token, before={"name": token.name})
