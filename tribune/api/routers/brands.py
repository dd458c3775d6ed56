"""Brands the token can see, and their social accounts."""

from ninja import Query, Router, Schema

from tribune.accounts.access import brand_access
from tribune.accounts.models import Brand
from tribune.api.auth import api_token, in_brand, visible_brands
from tribune.api.common import Page, PageParams, responses
from tribune.api.errors import ApiError
from tribune.api.pagination import paginate
from tribune.api.scopes import token_has_scope
from tribune.networks.models import SocialAccount

router = Router(tags=["brands"])


class BrandOut(Schema):
    slug: str
    name: str
    workspace: str
    timezone: str
    language: str
    approval_required: bool
    roles: list[str]
    capabilities: list[str]


class BrandPage(Page):
    items: list[BrandOut]


class AccountOut(Schema):
    id: int
    network: str
    handle: str
    display_name: str
    kind: str
    status: str
    language: str
    created_at: str


class AccountPage(Page):
    items: list[AccountOut]


def brand_out(brand: Brand, user: object) -> BrandOut:
    access = brand_access(user, brand)  # type: ignore[arg-type]
    return BrandOut(
        slug=brand.slug,
        name=brand.name,
        workspace=brand.workspace.slug,
        timezone=brand.timezone,
        language=brand.language,
        approval_required=brand.approval_required,
        roles=sorted(access.roles) if access else [],
        capabilities=sorted(str(c) for c in access.caps) if access else [],
    )


def account_out(account: SocialAccount) -> AccountOut:
    return AccountOut(
        id=account.pk,
        network=account.network,
        handle=account.handle,
        display_name=account.display_name,
        kind=account.kind,
        status=account.status,
        language=account.language,
        created_at=account.created_at.isoformat(),
    )


@router.get("/brands", response=responses(200, BrandPage), summary="List brands")
def list_brands(request, page: Query[PageParams]):  # type: ignore[no-untyped-def]
    token = api_token(request)
    if not token_has_scope(token.scopes, "brands:read"):
        raise ApiError(403, "scope_missing", "This token lacks the “brands:read” scope.")
    qs = Brand.objects.filter(pk__in=visible_brands(request).values("pk")).select_related(
        "workspace"
    )
    return paginate(qs, page.cursor, page.limit, lambda b: brand_out(b, token.user))


@router.get("/brands/{brand_slug}", response=responses(200, BrandOut), summary="One brand")
def get_brand(request, brand_slug: str):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "brands:read") as access:
        return brand_out(access.brand, api_token(request).user)


@router.get(
    "/brands/{brand_slug}/accounts",
    response=responses(200, AccountPage),
    summary="Social accounts of a brand",
)
def list_accounts(request, brand_slug: str, page: Query[PageParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "brands:read") as access:
        qs = SocialAccount.objects.filter(brand=access.brand)
        return paginate(qs, page.cursor, page.limit, account_out)
