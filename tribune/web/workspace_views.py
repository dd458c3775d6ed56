from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tribune.accounts import services
from tribune.accounts.access import access_workspace_by_slug, admin_workspace_ids
from tribune.accounts.forms import BrandForm, InviteForm
from tribune.accounts.models import Invitation, WorkspaceMembership
from tribune.accounts.services import do_create_brand


@login_required
def workspace(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    ws = access_workspace_by_slug(request.user, workspace_slug)  # type: ignore[arg-type]
    is_admin = ws.pk in admin_workspace_ids(request.user)  # type: ignore[arg-type]
    form = InviteForm(request.POST if "invite" in request.POST else None, workspace=ws)
    brand_form = BrandForm(request.POST if "create_brand" in request.POST else None)
    if request.method == "POST" and "create_brand" in request.POST:
        access_workspace_by_slug(request.user, workspace_slug, admin=True)  # type: ignore[arg-type]
        if brand_form.is_valid():
            brand = do_create_brand(ws, request.user, **brand_form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _("The brand %(name)s is created.") % {"name": brand.name})
            return redirect("web:dashboard", brand_slug=brand.slug)
    elif request.method == "POST":
        if not is_admin:
            access_workspace_by_slug(request.user, workspace_slug, admin=True)  # type: ignore[arg-type]
        if form.is_valid():
            data = form.cleaned_data
            brand_roles = (
                [{"brand": data["brand"].pk, "role": data["role"]}] if data["brand"] else []
            )
            try:
                services.do_invite(
                    ws,
                    data["email"],
                    request.user,  # type: ignore[arg-type]
                    data["workspace_role"],
                    brand_roles,
                )
            except services.InvitationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": data["email"]}
                )
                return redirect("web:workspace", workspace_slug=ws.slug)
    members = WorkspaceMembership.objects.filter(workspace=ws).select_related("user")
    pending = Invitation.objects.filter(workspace=ws, accepted_at__isnull=True)
    return render(
        request,
        "web/workspace.html",
        {
            "workspace": ws,
            "is_admin": is_admin,
            "form": form,
            "members": members,
            "pending": pending if is_admin else [],
            "brands": ws.brands.all(),
            "brand_form": brand_form,
        },
    )
