from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.access import brand_view, brands_for_user
from tribune.accounts.forms import GrantRoleForm
from tribune.accounts.models import BrandRole, WorkspaceMembership
from tribune.accounts.roles import Cap
from tribune.accounts.services import do_grant_brand_role, do_revoke_brand_role
from tribune.core.http import AuthedRequest
from tribune.networks.forms import SandboxAccountForm
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.networks.services import check_sandbox_handle_free, do_connect_sandbox_account
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
def dashboard(request: AuthedRequest) -> HttpResponse:
    brand = request.brand
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
def accounts(request: AuthedRequest) -> HttpResponse:
    brand = request.brand
    can_connect = request.access.can(Cap.ACCOUNTS)
    form = SandboxAccountForm(request.POST or None)
    if request.method == "POST":
        if not can_connect:
            raise PermissionDenied(_("Your role does not allow connecting accounts."))
        if form.is_valid():
            handle = form.cleaned_data["handle"]
            if not check_sandbox_handle_free(handle):
                form.add_error("handle", _("This sandbox handle is already taken."))
            else:
                data = form.cleaned_data
                do_connect_sandbox_account(
                    brand, handle, data["display_name"], data["language"], request.user
                )
                messages.success(
                    request, _("The sandbox account @%(handle)s is connected.") % {"handle": handle}
                )
                return redirect("web:accounts", brand_slug=brand.slug)
    items = SocialAccount.objects.filter(brand=brand)
    return render(
        request, "web/accounts.html", {"items": items, "form": form, "can_connect": can_connect}
    )


@brand_view(Cap.VIEW)
def account_detail(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = SocialAccount.objects.filter(pk=account_id).first()  # scope limits to brand
    if account is None:
        raise Http404(_("No such account."))
    snapshots = AccountSnapshot.objects.filter(account=account).order_by("-at")[:30]
    return render(request, "web/account_detail.html", {"account": account, "snapshots": snapshots})


@brand_view(Cap.VIEW)
def team(request: AuthedRequest) -> HttpResponse:
    brand = request.brand
    is_admin = request.access.can(Cap.ADMIN)
    form = GrantRoleForm(request.POST if "email" in request.POST else None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_("Only workspace administrators manage roles."))
        if "revoke" in request.POST:
            grant = BrandRole.objects.filter(brand=brand, pk=request.POST["revoke"]).first()
            if grant is None:
                raise Http404(_("No such role."))
            do_revoke_brand_role(brand, grant.user, grant.role, request.user)
            return redirect("web:team", brand_slug=brand.slug)
        if form.is_valid():
            member = (
                WorkspaceMembership.objects.filter(
                    workspace=brand.workspace, user__email=form.cleaned_data["email"].lower()
                )
                .select_related("user")
                .first()
            )
            if member is None:
                form.add_error(
                    "email",
                    _("Nobody with this address is a member of the workspace: invite them first."),
                )
            else:
                do_grant_brand_role(brand, member.user, form.cleaned_data["role"], request.user)
                return redirect("web:team", brand_slug=brand.slug)
    roles = (
        BrandRole.objects.filter(brand=brand).select_related("user").order_by("user__email", "role")
    )
    return render(request, "web/team.html", {"roles": roles, "form": form, "is_admin": is_admin})
