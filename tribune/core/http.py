"""Typed request for views behind ``login_required`` / ``brand_view``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from tribune.accounts.access import BrandAccess
    from tribune.accounts.models import Brand, User


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    brand: Brand
    access: BrandAccess
