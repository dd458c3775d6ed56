from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.core.scope import unscoped
from tribune.networks.models import SocialAccount
from tribune.publishing import abtest, links, metrics, workflow
from tribune.publishing.checks import check_text, media_problems
from tribune.publishing.forms import PostForm
from tribune.publishing.models import (
    Attempt,
    Post,
    PostMetricSnapshot,
    PostStatus,
    TrackedLink,
)
from tribune.web.charts import line_chart


def _post(request: AuthedRequest, post_id: int) -> Post:
    post = Post.objects.select_related("brand", "author").filter(pk=post_id).first()
    if post is None:
        raise Http404(_("No such post."))
    return post


def _initial(post: Post) -> dict:
    return {
        "title": post.title,
        "text": post.text,
        "sponsored": post.sponsored,
        "language": post.language,
        "repeat": post.repeat,
        "repeat_until": post.repeat_until,
        "evergreen_days": post.evergreen_days,
        "accounts": [v.account_id for v in post.variants.all()],
        "first_comment": next((v.first_comment for v in post.variants.all()), ""),
        "scheduled_at": post.scheduled_at.astimezone(post.brand.tz).strftime("%Y-%m-%dT%H:%M")
        if post.scheduled_at
        else None,
    }


@brand_view(Cap.DRAFT)
def compose(request: AuthedRequest, post_id: int | None = None) -> HttpResponse:
    post = _post(request, post_id) if post_id else None
    form = PostForm(
        request.POST or None, brand=request.brand, initial=_initial(post) if post else None
    )
    if post is not None:
        for name in ("text_b", "ab_split", "ab_delay_hours"):
            form.fields.pop(name)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if post is None and data.get("text_b"):
            return _create_ab_test(request, data)
        try:
            post = workflow.do_save_post(
                request.brand,
                request.user,
                post=post,
                text=data["text"],
                accounts=list(data["accounts"]),
                scheduled_at=data["scheduled_at"],
                title=data["title"],
                sponsored=data["sponsored"],
                language=data["language"],
                repeat=data["repeat"],
                repeat_until=data["repeat_until"],
                first_comment=data["first_comment"],
                evergreen_days=data.get("evergreen_days"),
            )
            if "submit" in request.POST:
                workflow.do_submit(post, request.user)
                messages.success(
                    request,
                    _("Sent for review.")
                    if post.status == PostStatus.IN_REVIEW
                    else _("Approved and scheduled."),
                )
            else:
                messages.success(request, _("Draft saved."))
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        if post is not None:
            return redirect("publishing:post", brand_slug=request.brand.slug, post_id=post.pk)
    return render(request, "publishing/compose.html", {"form": form, "post": post})


def _create_ab_test(request: AuthedRequest, data: dict) -> HttpResponse:
    posts = abtest.do_create_ab_test(
        request.brand,
        request.user,
        text_a=data["text"],
        text_b=data["text_b"],
        accounts=list(data["accounts"]),
        scheduled_at=data["scheduled_at"],
        split=data["ab_split"] or "time",
        delay_hours=data["ab_delay_hours"] or 24,
        title=data["title"],
        sponsored=data["sponsored"],
        language=data["language"],
        first_comment=data["first_comment"],
    )
    if "submit" in request.POST:
        try:
            for post in posts:
                workflow.do_submit(post, request.user)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
    messages.success(request, _("A/B test created: two posts, A and B."))
    return redirect("publishing:post", brand_slug=request.brand.slug, post_id=posts[0].pk)


@brand_view(Cap.DRAFT)
@require_POST
def live_check(request: AuthedRequest) -> HttpResponse:
    """HTMX: counts and charter problems per selected account while typing."""
    text = request.POST.get("text", "")
    ids = [int(i) for i in request.POST.getlist("accounts") if i.isdigit()]
    accounts = SocialAccount.objects.filter(pk__in=ids)
    # Editing a post: its images or video count too (video limits differ per network).
    post_id = request.POST.get("post_id", "")
    post = Post.objects.filter(pk=int(post_id)).first() if post_id.isdigit() else None
    files = list(post.media.all()) if post is not None else []
    results = []
    for account in accounts:
        result = check_text(
            request.brand,
            account.network,
            text,
            sponsored=bool(request.POST.get("sponsored")),
            language=request.POST.get("language") or account.language,
            account=account.handle,
        )
        if post is not None:
            result["problems"] += media_problems(account.network, files)
            result["blocking"] = any(p.blocking for p in result["problems"])
        results.append((account, result))
    return render(request, "publishing/_checks.html", {"results": results})


@brand_view(Cap.VIEW)
def post_detail(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = _post(request, post_id)
    variants = list(post.variants.select_related("account"))
    attempts = Attempt.objects.filter(variant__post=post).select_related("variant__account")
    tracked = TrackedLink.objects.filter(variant__post=post).select_related("variant__account")
    checks = workflow.check_post(post) if post.status in workflow.EDITABLE else {}
    ids = [v.pk for v in variants]
    latest: dict[int, PostMetricSnapshot] = {}
    for row in PostMetricSnapshot.objects.filter(variant_id__in=ids).order_by("at"):
        latest[row.variant_id] = row
    for variant in variants:
        snap = latest.get(variant.pk)
        variant.latest_metrics = snap  # type: ignore[attr-defined]
        # Engagement rate = (likes + replies + reposts + quotes) / impressions.
        variant.engagement_rate = (  # type: ignore[attr-defined]
            100 * snap.engagement / snap.impressions
            if snap and snap.impressions and snap.engagement is not None
            else None
        )
        variant.tracked_clicks = sum(  # type: ignore[attr-defined]
            link.clicks for link in variant.links.all()
        )
    ab_sides, ab_winner = abtest.compare(post)
    engagement = metrics.engagement_series(ids)
    clicks = metrics.clicks_by_hour(ids)
    return render(
        request,
        "publishing/post.html",
        {
            "post": post,
            "variants": variants,
            "attempts": attempts,
            "links": tracked,
            "checks": checks,
            "comments": post.comments.select_related("author"),
            "ab_sides": ab_sides,
            "ab_winner": ab_winner,
            "ab_min": abtest.MIN_IMPRESSIONS,
            "engagement_chart": line_chart(engagement, label=_("Engagement over time")),
            "clicks_chart": line_chart(
                [(h, float(n)) for h, n in clicks], label=_("Link clicks per hour")
            ),
            "can_approve": request.access.can(Cap.APPROVE) and post.status == PostStatus.IN_REVIEW,
            "can_edit": request.access.can(Cap.DRAFT) and post.status in workflow.EDITABLE,
        },
    )


@brand_view(Cap.DRAFT)
@require_POST
def adapt_variant(request: AuthedRequest, post_id: int, variant_id: int) -> HttpResponse:
    post = _post(request, post_id)
    variant = post.variants.select_related("account", "post").filter(pk=variant_id).first()
    if variant is None:
        raise Http404(_("No such account on this post."))
    try:
        workflow.do_adapt_variant(variant, request.user, request.POST.get("text", ""))
        messages.success(request, _("Text adapted for @%(h)s.") % {"h": variant.account.handle})
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("publishing:post", brand_slug=request.brand.slug, post_id=post.pk)


@brand_view(Cap.VIEW)
@require_POST
def post_action(request: AuthedRequest, post_id: int, action: str) -> HttpResponse:
    post = _post(request, post_id)
    user, access = request.user, request.access
    try:
        if action == "approve":
            workflow.check_can_approve(access, post)
            workflow.do_approve(post, user)
            messages.success(request, _("Approved."))
        elif action == "request-changes":
            workflow.check_can_approve(access, post)
            workflow.do_request_changes(post, user, request.POST.get("comment", ""))
            messages.success(request, _("Sent back to the author."))
        elif action == "comment":
            workflow.do_comment(post, user, request.POST.get("comment", ""))
        elif action in {"submit", "unschedule", "retry"} and access.can(Cap.DRAFT):
            {
                "submit": workflow.do_submit,
                "unschedule": workflow.do_unschedule,
                "retry": workflow.do_retry,
            }[action](post, user)
        else:
            raise Http404(_("Unknown action."))
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        for handle, problems in exc.problems.items():
            for problem in problems:
                messages.error(request, f"@{handle} : {problem.message}")
    return redirect("publishing:post", brand_slug=request.brand.slug, post_id=post.pk)


@never_cache
def follow_link(request: HttpRequest, code: str) -> HttpResponse:
    """``/l/<code>``: count the click, then redirect to the target with its UTM tags."""
    with unscoped():
        found = links.follow(
            code,
            referrer=request.META.get("HTTP_REFERER", ""),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    if found is None:
        raise Http404("Unknown link.")
    target_url, click = found
    return HttpResponseRedirect(links.with_click_id(target_url, click))
