"""POST actions on a thread (status, assignment, tags, notes) and on one message (like,
hide, delete, block). Each answers with a redirect back to the thread, or to the next
thread of the queue after "close and next"."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts.models import User
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.inbox.models import Message, Tag, ThreadStatus
from tribune.inbox.services import message_actions as ops
from tribune.inbox.services import triage
from tribune.inbox.services.replies import ReplyError, do_delete_reply
from tribune.inbox.views.common import get_in_scope, inbox_view
from tribune.inbox.views.queue import filter_querystring
from tribune.inbox.views.thread import load_thread, neighbours, thread_url

THREAD_OPS = {"close", "open", "pending", "assign", "assign-me", "tag", "untag", "note"}
MESSAGE_OPS = {"hide", "unhide", "like", "delete", "block", "unblock"}
STATUS_OF = {
    "close": ThreadStatus.CLOSED,
    "open": ThreadStatus.OPEN,
    "pending": ThreadStatus.PENDING,
}


@inbox_view(Cap.MODERATE)
@require_POST
def thread_action(request: AuthedRequest, thread_id: int, thread_op: str) -> HttpResponse:
    if thread_op not in THREAD_OPS:
        raise Http404
    thread = load_thread(thread_id)
    qs = filter_querystring(request.GET)
    target = thread_url(thread, qs)
    try:
        if thread_op in STATUS_OF:
            if thread_op == "close" and request.POST.get("next"):
                _newer, older = neighbours(request, thread)
                target = thread_url(older, qs) if older else request.POST.get("queue", "") or target
            triage.do_set_status(thread, request.user, STATUS_OF[thread_op])
            messages.success(
                request,
                _("Status: %(status)s.") % {"status": ThreadStatus(STATUS_OF[thread_op]).label},
            )
        elif thread_op in ("assign", "assign-me"):
            assignee: User | None
            if thread_op == "assign-me":
                assignee = request.user
            else:
                value = request.POST.get("assignee", "")
                assignee = (
                    triage.check_assignee(request.brand, int(value)) if value.isdigit() else None
                )
            triage.do_assign(thread, request.user, assignee)
            messages.success(
                request,
                _("Assigned to %(name)s.") % {"name": assignee.display_name}
                if assignee
                else _("Nobody is assigned any more."),
            )
        elif thread_op == "tag":
            tag = triage.do_tag(thread, request.user, request.POST.get("tag", ""))
            messages.success(request, _("Tag “%(tag)s” added.") % {"tag": tag.name})
        elif thread_op == "untag":
            tag = get_in_scope(Tag, request.POST.get("tag_id"))
            triage.do_untag(thread, request.user, tag)
        elif thread_op == "note":
            triage.do_add_note(thread, request.user, request.POST.get("text", ""))
            messages.success(request, _("Note added (visible to the team only)."))
    except triage.TriageError as exc:
        messages.error(request, str(exc))
    if not target.startswith("/") or target.startswith("//"):
        target = thread_url(thread, qs)
    return HttpResponseRedirect(target)


@inbox_view(Cap.MODERATE)
@require_POST
def message_action(request: AuthedRequest, message_id: int, message_op: str) -> HttpResponse:
    if message_op not in MESSAGE_OPS:
        raise Http404
    message = get_in_scope(Message, message_id)
    message = Message.objects.select_related("account", "brand", "thread", "author").get(
        pk=message.pk
    )
    thread = message.thread
    try:
        if message_op in ("hide", "unhide"):
            ops.do_hide(message, request.user, hidden=message_op == "hide")
            messages.success(
                request, _("Message hidden.") if message_op == "hide" else _("Message shown again.")
            )
        elif message_op == "like":
            ops.do_like(message, request.user)
            messages.success(request, _("Liked."))
        elif message_op == "delete":
            do_delete_reply(message, request.user)
            messages.success(request, _("Answer deleted on the network."))
        elif message.author is None:
            raise Http404
        else:
            ops.do_block(message.author, request.user, message_op == "block", via=thread)
            messages.success(
                request,
                _("@%(handle)s is on the block list.") % {"handle": message.author.handle}
                if message_op == "block"
                else _("@%(handle)s is no longer blocked.") % {"handle": message.author.handle},
            )
    except (ops.ActionError, ReplyError) as exc:
        messages.error(request, str(exc))
    target = thread_url(thread, filter_querystring(request.GET))
    return HttpResponseRedirect(f"{target}#m{message.pk}")
