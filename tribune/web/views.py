from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.access import brand_view, brands_for_user
from tribune.accounts.models import BrandRole
from tribune.accounts.roles import Cap
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.web.charts import line_chart


@login_required
def home(request: HttpRequest) -> HttpResponse:
    brands = list(brands_for_user(request.user))  # type: ignore[arg-type]
    if not brands:
        return render(request, "web/no_brand.html")
    remembered = request.session.get("brand")
    chosen = next((b for b in brands if b.slug == remembered), brands[0])
    return redirect("web:dashboard", brand_slug=chosen.slug)


@login_required
@require_POST
def switch_brand(request: HttpRequest) -> HttpResponse:
    slug = request.POST.get("brand", "")
    if not brands_for_user(request.user).filter(slug=slug).exists():  # type: ignore[arg-type]
        raise Http404(_("No such brand."))
    next_url = request.POST.get("next", "")
    # Stay in the same area of the product when switching brands.
    area = next_url.split("/")[3] if next_url.startswith("/b/") and next_url.count("/") > 3 else ""
    if area in {"accounts", "team"}:
        return redirect(f"/b/{slug}/{area}/")
    if next_url and not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    return redirect("web:dashboard", brand_slug=slug)


def _follower_series(account: SocialAccount, since) -> list[tuple]:  # type: ignore[no-untyped-def]
    rows = AccountSnapshot.objects.filter(account=account, at__gte=since).values_list(
        "at", "followers"
    )
    return [(at, float(f)) for at, f in rows if f is not None]


@brand_view(Cap.VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    since = timezone.now() - timedelta(days=30)
    cards = []
    for account in SocialAccount.objects.filter(brand=brand):
        series = _follower_series(account, since)
        latest = series[-1][1] if series else None
        week_ago = [v for t, v in series if t <= timezone.now() - timedelta(days=7)]
        delta = (latest - week_ago[-1]) if latest is not None and week_ago else None
        cards.append(
            {
                "account": account,
                "followers": int(latest) if latest is not None else None,
                "delta": int(delta) if delta is not None else None,
                "chart": line_chart(
                    series,
                    label=_("Followers of %(handle)s over 30 days") % {"handle": account.handle},
                ),
            }
        )
    return render(request, "web/dashboard.html", {"cards": cards})


@brand_view(Cap.VIEW)
def accounts(request: HttpRequest) -> HttpResponse:
    items = SocialAccount.objects.filter(brand=request.brand)  # type: ignore[attr-defined]
    return render(request, "web/accounts.html", {"items": items})


@brand_view(Cap.VIEW)
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    account = SocialAccount.objects.filter(pk=account_id).first()  # scope limits to brand
    if account is None:
        raise Http404(_("No such account."))
    snapshots = AccountSnapshot.objects.filter(account=account).order_by("-at")[:30]
    return render(request, "web/account_detail.html", {"account": account, "snapshots": snapshots})


@brand_view(Cap.VIEW)
def team(request: HttpRequest) -> HttpResponse:
    roles = (
        BrandRole.objects.filter(brand=request.brand)  # type: ignore[attr-defined]
        .select_related("user")
        .order_by("user__email", "role")
    )
    return render(request, "web/team.html", {"roles": roles})
