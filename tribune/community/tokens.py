"""Signed tokens for links sent to members (RSVP, survey, briefing) and shared pages.

The token carries the row id, signed with the secret key and a purpose (salt): a token
for one purpose never opens another, and nobody can forge or enumerate them."""

from __future__ import annotations

from django.core import signing

MAX_AGE_SHARE = 60 * 60 * 24 * 90  # shared feedback pages: 90 days


def make(purpose: str, pk: int) -> str:
    return signing.Signer(salt=f"tribune.community.{purpose}").sign(signing.b62_encode(pk))


def read(purpose: str, token: str) -> int | None:
    try:
        value = signing.Signer(salt=f"tribune.community.{purpose}").unsign(token)
        return signing.b62_decode(value)
    except (signing.BadSignature, ValueError):
        return None


def make_share(brand_id: int, filters: dict[str, str]) -> str:
    return signing.dumps(
        {"b": brand_id, "f": filters}, salt="tribune.community.feedback-share", compress=True
    )


def read_share(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt="tribune.community.feedback-share", max_age=MAX_AGE_SHARE)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and "b" in data else None
