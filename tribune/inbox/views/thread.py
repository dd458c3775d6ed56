"""One conversation: messages, reply, notes, tags, status, assignment, presence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.inbox import queries
from tribune.inbox.forms import QueueFilterForm
from tribune.inbox.models import Message, Note, ResponseRecord, SavedReply, Tag, Thread
from tribune.inbox.queries import QueueFilters
from tribune.inbox.services import presence
from tribune.inbox.services.message_actions import states
from tribune.inbox.services.replies import (
    ReplyError,
    do_reply,
    reply_disabled_reason,
    saved_reply_text,
)
from tribune.inbox.services.triage import assignable_people
from tribune.inbox.views.common import get_in_scope, inbox_view, tabs_context
from tribune.inbox.views.queue import FILTER_KEYS, filter_querystring


def load_thread(thread_id: Any) -> Thread:
    return get_in_scope(
        Thread.objects.select_related(
            "account__brand", "brand", "author", "assignee", "variant__post"
        ),
        thread_id,
    )


def thread_url(thread: Thread, qs: str = "") -> str:
    url = reverse("inbox:thread", args=[thread.brand.slug, thread.pk])
    return f"{url}?{qs}" if qs else url


def neighbours(request: AuthedRequest, thread: Thread) -> tuple[Thread | None, Thread | None]:
    """The newer and the older thread of the queue the person came from (j / k)."""
    if any(request.GET.get(key) for key in FILTER_KEYS):
        filters = QueueFilterForm(request.GET, brands=[request.brand]).filters()
    else:  # the plain queue: no need to load the filter form's choices
        filters = QueueFilters()
    moment, pk = thread.last_activity_at, thread.pk
    # Only what the links need: the id and the brand's slug.
    base = queries.queue(filters, request.user.pk).select_related("brand").only("id", "brand__slug")
    # The redundant bound on the time lets PostgreSQL walk the (status, time) index from
    # the current thread instead of filtering the whole queue with the OR.
    older = base.filter(
        Q(last_activity_at__lt=moment) | Q(last_activity_at=moment, id__lt=pk),
        last_activity_at__lte=moment,
    ).first()
    newer = (
        base.filter(
            Q(last_activity_at__gt=moment) | Q(last_activity_at=moment, id__gt=pk),
            last_activity_at__gte=moment,
        )
        .order_by("last_activity_at", "id")
        .first()
    )
    return newer, older


def _saved_replies(thread: Thread) -> list[tuple[SavedReply, str]]:
    language = thread.language if thread.language in ("fr", "en") else ""
    rows = sorted(
        SavedReply.objects.filter(brand_id=thread.brand_id),
        key=lambda s: (s.language != language, s.title.lower()),
    )
    return [(saved, saved_reply_text(saved, thread)) for saved in rows]


def render_thread(
    request: AuthedRequest, thread: Thread, *, draft: str = "", status: int = 200, **extra: Any
) -> HttpResponse:
    connector = thread.account.connector()
    rows = list(thread.messages.select_related("author", "sent_by").order_by("created_at", "id"))
    presence.do_touch(thread, request.user, "replying" if draft else "viewing")
    qs = filter_querystring(request.GET)
    newer, older = neighbours(request, thread)
    context = {
        "thread": thread,
        "rows": [(m, states(m, connector)) for m in rows],
        "last_message_id": max((m.pk for m in rows), default=0),
        "notes": Note.objects.filter(thread=thread).select_related("author"),
        "tags": list(thread.tags.all()),
        "all_tags": Tag.objects.filter(brand_id=thread.brand_id),
        "people": assignable_people(request.brand).only("id", "full_name", "email"),
        "saved_replies": _saved_replies(thread),
        "reply_disabled": reply_disabled_reason(thread),
        "responses": ResponseRecord.objects.filter(thread=thread)
        .select_related("responder")
        .order_by("received_at"),
        "others": presence.others(thread, request.user),
        "qs": qs,
        "newer": thread_url(newer, qs) if newer else "",
        "older": thread_url(older, qs) if older else "",
        "queue_url": reverse("inbox:queue", args=[request.brand.slug]) + (f"?{qs}" if qs else ""),
        "draft": draft,
        "reply_to_id": request.POST.get("reply_to", ""),
        "connector_label": connector.label,
        "is_sandbox": connector.is_sandbox,
        **tabs_context(request, "queue"),
        **extra,
    }
    return render(request, "inbox/thread.html", context, status=status)


@inbox_view(Cap.VIEW)
def thread_view(request: AuthedRequest, thread_id: int) -> HttpResponse:
    return render_thread(request, load_thread(thread_id))


@inbox_view(Cap.MODERATE)
@require_POST
def reply(request: AuthedRequest, thread_id: int) -> HttpResponse:
    thread = load_thread(thread_id)
    text = request.POST.get("text", "")
    saved_id = request.POST.get("saved", "")
    if not text.strip() and saved_id.isdigit():
        saved = SavedReply.objects.filter(pk=int(saved_id)).first()
        text = saved_reply_text(saved, thread) if saved else ""
    reply_to = None
    if request.POST.get("reply_to", "").isdigit():
        reply_to = thread.messages.filter(pk=int(request.POST["reply_to"])).first()
    seen = request.POST.get("seen", "")
    if seen.isdigit() and "send_anyway" not in request.POST:
        answered = (
            thread.messages.filter(direction=Message.Direction.OUT, pk__gt=int(seen))
            .exclude(sent_by=request.user)
            .select_related("sent_by")
            .first()
        )
        if answered is not None:
            who = answered.sent_by.display_name if answered.sent_by else _("an automatic rule")
            return render_thread(
                request,
                thread,
                draft=text,
                status=409,
                collision=_(
                    "%(who)s answered this conversation while you were writing. Read the "
                    "answer below; your text is kept if you still want to send it."
                )
                % {"who": who},
            )
    try:
        sent = do_reply(
            thread, request.user, text, reply_to=reply_to, close="close" in request.POST
        )
    except ReplyError as exc:
        return render_thread(request, thread, draft=text, status=400, reply_error=str(exc))
    presence.do_touch(thread, request.user, "viewing")
    messages.success(
        request,
        _("Answer published on the network (it was already there: found again).")
        if sent.reconciled
        else _("Answer published on the network."),
    )
    return HttpResponseRedirect(thread_url(thread, filter_querystring(request.GET)))


@inbox_view(Cap.VIEW)
@require_POST
def presence_view(request: AuthedRequest, thread_id: int) -> HttpResponse:
    """HTMX, every few seconds: "I am here" and who else is."""
    thread = get_in_scope(Thread, thread_id)
    state = request.POST.get("state", "viewing")
    if state == "leave":
        presence.do_leave(thread, request.user)
        return HttpResponse(status=204)
    if not request.access.can(Cap.MODERATE):
        state = "viewing"
    presence.do_touch(thread, request.user, state)
    return render(
        request, "inbox/_presence.html", {"others": presence.others(thread, request.user)}
    )
