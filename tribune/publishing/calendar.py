"""Editorial calendar: month, week and list views, per brand and across brands."""

from __future__ import annotations

import calendar as pycal
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.access import brand_view, brands_for_user
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest, id_url
from tribune.core.scope import brand_scope
from tribune.publishing import workflow
from tribune.publishing.models import Post, PostStatus, Variant
from tribune.publishing.recurrence import local_to_utc


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    last = date(year, month, pycal.monthrange(year, month)[1])
    end = last + timedelta(days=6 - last.weekday())
    return start, end


def _filtered(request: AuthedRequest, posts: Any) -> Any:
    if request.GET.get("status"):
        posts = posts.filter(status=request.GET["status"])
    if request.GET.get("account", "").isdigit():
        posts = posts.filter(variants__account_id=int(request.GET["account"])).distinct()
    return posts


def _grid(posts: list[Post], tz: Any, start: date, end: date) -> list[list[dict]]:
    by_day: dict[date, list[Post]] = {}
    for post in posts:
        if post.scheduled_at:
            by_day.setdefault(post.scheduled_at.astimezone(tz).date(), []).append(post)
    weeks, day = [], start
    while day <= end:
        weeks.append(
            [
                {"date": day + timedelta(days=i), "posts": by_day.get(day + timedelta(days=i), [])}
                for i in range(7)
            ]
        )
        day += timedelta(days=7)
    return weeks


@brand_view(Cap.VIEW)
def calendar_view(request: AuthedRequest) -> HttpResponse:
    tz = request.brand.tz
    today = timezone.now().astimezone(tz).date()
    view = request.GET.get("view", "month")
    try:
        anchor = (
            date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else today
        )
    except ValueError:
        anchor = today
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        end = start + timedelta(days=6)
        prev_anchor, next_anchor = start - timedelta(days=7), start + timedelta(days=7)
    else:
        view = "list" if view == "list" else "month"
        start, end = _month_bounds(anchor.year, anchor.month)
        prev_anchor = (anchor.replace(day=1) - timedelta(days=1)).replace(day=1)
        next_anchor = (anchor.replace(day=28) + timedelta(days=4)).replace(day=1)
    lo = local_to_utc(start, time(0, 0), tz)
    hi = local_to_utc(end + timedelta(days=1), time(0, 0), tz)
    posts = _filtered(
        request, Post.objects.filter(brand=request.brand, scheduled_at__gte=lo, scheduled_at__lt=hi)
    )
    posts = posts.order_by("scheduled_at")
    if view == "list":  # only the list names each post's accounts
        posts = posts.prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.select_related("account").defer("account__credentials"),
            )
        )
    posts = list(posts)
    post_url = id_url("publishing:post", request.brand.slug)
    move_url = id_url("publishing:move", request.brand.slug)
    labels = dict(PostStatus.choices)
    for post in posts:  # worked out here once rather than by a template tag per chip
        post.url = post_url(post.pk)  # type: ignore[attr-defined]
        post.move_url = move_url(post.pk)  # type: ignore[attr-defined]
        post.status_label = labels.get(post.status, post.status)  # type: ignore[attr-defined]
    unscheduled = Post.objects.filter(brand=request.brand, scheduled_at__isnull=True).exclude(
        status=PostStatus.PUBLISHED
    )[:50]
    return render(
        request,
        "publishing/calendar.html",
        {
            "view": view,
            "anchor": anchor,
            "today": today,
            "weeks": _grid(posts, tz, start, end),
            "posts": posts,
            "unscheduled": unscheduled,
            "prev": prev_anchor,
            "next": next_anchor,
            "statuses": PostStatus.choices,
            "accounts": request.brand.accounts.defer("credentials"),  # secrets not decrypted
            "can_move": request.access.can(Cap.DRAFT),
        },
    )


@brand_view(Cap.DRAFT)
@require_POST
def move_post(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Drag and drop: move a post to another day, keeping its local time."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise Http404(_("No such post."))
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        return JsonResponse({"error": _("Give the day as YYYY-MM-DD.")}, status=400)
    tz = request.brand.tz
    at = post.scheduled_at.astimezone(tz).time() if post.scheduled_at else time(10, 0)
    when = local_to_utc(day, at, tz)
    if when < timezone.now():
        return JsonResponse({"error": _("This day is in the past.")}, status=400)
    try:
        workflow.do_reschedule(post, request.user, when)
    except workflow.WorkflowError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"ok": True, "scheduled_at": when.isoformat()})


def agency_calendar(request: AuthedRequest) -> HttpResponse:
    """Every brand the person sees, next 30 days, as one list."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    brands = list(brands_for_user(request.user))
    now = timezone.now()
    with brand_scope(*brands):
        posts = list(
            Post.objects.filter(
                scheduled_at__gte=now - timedelta(days=1), scheduled_at__lt=now + timedelta(days=30)
            )
            .select_related("brand")
            .prefetch_related("variants__account")
            .order_by("scheduled_at")[:500]
        )
    rows = [
        {"post": p, "local": p.scheduled_at.astimezone(p.brand.tz) if p.scheduled_at else None}
        for p in posts
    ]
    return render(request, "publishing/agency_calendar.html", {"rows": rows, "now": datetime.now()})
