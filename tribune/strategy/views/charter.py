"""The social charter: read, edit (form or JSON), versions and their differences, and
the "test a text" box (an HTMX fragment, or the whole page without JavaScript)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tribune.accounts.roles import Cap
from tribune.networks.models import SocialAccount
from tribune.strategy import document
from tribune.strategy.diff import compare_versions
from tribune.strategy.forms.charter import WEEKDAYS, CharterForm, rules_initial
from tribune.strategy.forms.check import CheckTextForm, highlight
from tribune.strategy.hours import BusinessHours
from tribune.strategy.models import CharterVersion
from tribune.strategy.rules import CharterRules, RulesError
from tribune.strategy.services.charter import (
    CharterConflict,
    check_brand_content,
    current_version,
    do_save_charter,
)
from tribune.strategy.views.common import get_in_scope, page, strategy_view


def _readable(version: CharterVersion | None) -> dict[str, Any]:
    """The document and the rules of a version, ready for the templates."""
    if version is None:
        hours = BusinessHours()
        return {"version": None, "rules": CharterRules(), "hours": hours, **_days(hours)}
    try:
        rules, error = version.charter_rules(), None
    except RulesError as exc:
        rules, error = CharterRules(), str(exc)
    return {
        "version": version,
        "document_html": mark_safe(document.sanitize(version.document_html)),  # noqa: S308
        "rules": rules,
        "rules_error": error,
        "hours": version.hours(),
        **_days(version.hours()),
    }


def _days(hours: BusinessHours) -> dict[str, Any]:
    names = dict(WEEKDAYS)
    return {"business_days": [str(names[d]) for d in hours.days]}


def _check_form(request: HttpRequest, data: Any = None) -> CheckTextForm:
    handles = SocialAccount.objects.filter(brand=request.brand).values_list("handle", flat=True)  # type: ignore[attr-defined]
    return CheckTextForm(data, accounts=list(handles))


def _check_result(request: HttpRequest, form: CheckTextForm) -> dict[str, Any]:
    if not form.is_valid():
        return {"checked": False}
    text = form.cleaned_data["text"]
    violations = check_brand_content(
        request.brand,  # type: ignore[attr-defined]
        form.cleaned_data["network"],
        text,
        form.context(),
    )
    language = get_language() or "fr"
    return {
        "checked": True,
        "violations": [(v, v.message(language)) for v in violations],
        "pieces": highlight(text, violations),
        "blocked": any(v.blocking for v in violations),
    }


@strategy_view(Cap.VIEW)
def charter(request: HttpRequest) -> HttpResponse:
    versions = CharterVersion.objects.filter(brand=request.brand)  # type: ignore[attr-defined]
    return page(
        request,
        "strategy/charter.html",
        "charter",
        versions=versions,
        check_form=_check_form(request),
        **_readable(versions.first()),
    )


@strategy_view(Cap.VIEW)
def charter_test(request: HttpRequest) -> HttpResponse:
    form = _check_form(request, request.POST if request.method == "POST" else None)
    result = _check_result(request, form) if request.method == "POST" else {}
    if getattr(request, "htmx", False):
        return render(request, "strategy/_check_result.html", {"check_form": form, **result})
    return page(request, "strategy/charter_test.html", "charter", check_form=form, **result)


@strategy_view(Cap.VIEW)
def charter_version(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_in_scope(CharterVersion, version_id)
    return page(request, "strategy/charter_version.html", "charter", **_readable(version))


@strategy_view(Cap.VIEW)
def charter_diff(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    versions = CharterVersion.objects.filter(brand=brand)
    latest = versions.first()

    def by_number(key: str, default: int) -> CharterVersion | None:
        try:
            number = int(request.GET.get(key, default))
        except ValueError:
            number = default
        return versions.filter(number=number).first()

    new = by_number("to", latest.number if latest else 0)
    old = by_number("from", new.number - 1 if new else 0)
    return page(
        request,
        "strategy/charter_diff.html",
        "charter",
        versions=versions,
        old=old,
        new=new,
        diff=compare_versions(old, new) if new else None,
    )


def _saved(request: HttpRequest, version: CharterVersion, created: bool) -> HttpResponse:
    if created:
        messages.success(request, _("Charter saved as version %(n)s.") % {"n": version.number})
    else:
        messages.info(
            request,
            _("Nothing changed; the charter stays at version %(n)s.") % {"n": version.number},
        )
    return redirect("strategy:charter", brand_slug=request.brand.slug)  # type: ignore[attr-defined]


def _conflict(form: Any, exc: CharterConflict) -> None:
    current = exc.current
    form.add_error(
        None,
        _(
            "%(who)s saved version %(n)s while you were editing. Your changes are still "
            "below: compare them with the versions, then save again to replace it."
        )
        % {"who": current.created_by_label, "n": current.number},
    )
    data = form.data.copy()
    data["base_version"] = current.number  # the next save is a deliberate overwrite
    form.data = data


@strategy_view(Cap.STRATEGY)
def charter_edit(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    current = current_version(brand)
    info = _readable(current)
    if request.method == "POST":
        form = CharterForm(request.POST, base=info["rules"])
        if form.is_valid() and form.rules is not None and form.hours is not None:
            try:
                version, created = do_save_charter(
                    brand,
                    request.user,
                    document_source=form.cleaned_data["document"],
                    rules=form.rules,
                    hours=form.hours,
                    note=form.cleaned_data["note"],
                    base_version=form.cleaned_data["base_version"] or 0,
                )
                return _saved(request, version, created)
            except CharterConflict as exc:
                _conflict(form, exc)
    else:
        initial = rules_initial(info["rules"], info["hours"])
        initial["document"] = current.document_source if current else ""
        initial["base_version"] = current.number if current else 0
        form = CharterForm(initial=initial)
    return page(request, "strategy/charter_edit.html", "charter", form=form, **info)


@strategy_view(Cap.STRATEGY)
def charter_json(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    current = current_version(brand)
    info = _readable(current)
    text = json.dumps(info["rules"].to_dict(), ensure_ascii=False, indent=2)
    error = ""
    if request.method == "POST":
        text = request.POST.get("rules", "")
        try:
            rules = CharterRules.from_dict(json.loads(text))
            version, created = do_save_charter(
                brand,
                request.user,
                document_source=current.document_source if current else "",
                rules=rules,
                hours=info["hours"],
                note=request.POST.get("note", "")[:300],
                base_version=int(request.POST.get("base_version") or 0),
            )
            return _saved(request, version, created)
        except json.JSONDecodeError as exc:
            error = _("This is not valid JSON (line %(line)s, column %(col)s: %(msg)s).") % {
                "line": exc.lineno,
                "col": exc.colno,
                "msg": exc.msg,
            }
        except RulesError as exc:
            error = _("A rule is not valid: %(problem)s") % {"problem": str(exc)}
        except CharterConflict as exc:
            error = _("Version %(n)s was saved while you were editing; reload the page.") % {
                "n": exc.current.number
            }
        except ValueError:
            error = _("The version number sent with the form is not valid.")
    return page(
        request,
        "strategy/charter_json.html",
        "charter",
        rules_json=text,
        error=error,
        base_version=current.number if current else 0,
        **info,
    )
