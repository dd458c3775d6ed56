"""Report templates (sections chosen by the strategist) and reports on demand."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.analytics import reports
from tribune.analytics.forms import AgencyLogoForm, ReportTemplateForm
from tribune.analytics.models import AgencyBranding, ReportRun, ReportTemplate
from tribune.analytics.views.common import (
    CONFIGURE,
    TABS,
    analytics_view,
    get_in_scope,
    page_context,
    period_from,
    require,
)
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest


@analytics_view()
def report_list(request: AuthedRequest) -> HttpResponse:
    period, form = period_from(request)
    return render(
        request,
        "analytics/reports.html",
        {
            **page_context(request, "reports", period, form),
            "templates": ReportTemplate.objects.filter(brand=request.brand),
            "runs": ReportRun.objects.filter(brand=request.brand).select_related("template")[:20],
            "logo_form": AgencyLogoForm(),
        },
    )


@analytics_view(CONFIGURE)
def template_edit(request: AuthedRequest, template_id: int | None = None) -> HttpResponse:
    template = (
        get_in_scope(ReportTemplate, template_id)
        if template_id
        else ReportTemplate(
            brand=request.brand, sections=reports.SECTION_KEYS, language=request.brand.language
        )
    )
    form = ReportTemplateForm(request.POST or None, request.FILES or None, instance=template)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        record_audit(
            "analytics.report_template_saved",
            actor=request.user,
            brand=request.brand,
            obj=saved,
            after={
                "sections": saved.sections,
                "frequency": saved.frequency,
                "recipients": saved.recipient_list,
            },
        )
        messages.success(request, _("Report template saved."))
        return redirect("analytics:reports", brand_slug=request.brand.slug)
    return render(
        request,
        "analytics/template_edit.html",
        {"form": form, "template": template, "tab": "reports", "tabs": TABS},
    )


@analytics_view(CONFIGURE)
@require_POST
def agency_logo(request: AuthedRequest) -> HttpResponse:
    # The agency's logo belongs to the workspace: only its administrators change it.
    if not request.access.workspace_admin:
        require(request, "admin")  # type: ignore[arg-type]
    form = AgencyLogoForm(request.POST, request.FILES)
    if form.is_valid():
        branding, _created = AgencyBranding.objects.get_or_create(workspace=request.brand.workspace)
        branding.logo = form.cleaned_data["logo"]
        branding.save()
        record_audit("analytics.agency_logo", actor=request.user, brand=request.brand, obj=branding)
        messages.success(request, _("Agency logo saved."))
    else:
        messages.error(request, _("Choose an image file (PNG or JPEG)."))
    return redirect("analytics:reports", brand_slug=request.brand.slug)


@analytics_view()
def report_html(request: AuthedRequest, template_id: int) -> HttpResponse:
    return _render(request, template_id, "html")


@analytics_view()
def report_pdf(request: AuthedRequest, template_id: int) -> HttpResponse:
    return _render(request, template_id, "pdf")


def _render(request: AuthedRequest, template_id: int, fmt: str) -> HttpResponse:
    template = get_in_scope(ReportTemplate, template_id)
    period, _form = period_from(request)
    kind = request.GET.get("kind", "")
    context = reports.build(request.brand, template, period, kind)
    if fmt == "pdf":
        response = HttpResponse(reports.render_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{reports.filename(context, "pdf")}"'
        )
        return response
    return HttpResponse(reports.render_html(context))
