"""The sandbox network's public web page for a post (what a visitor of the network sees)."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tribune.networks.sandbox.models import Post


def post_page(request: HttpRequest, remote_id: uuid.UUID) -> HttpResponse:
    post = (
        Post.objects.select_related("author", "reply_to__author")
        .filter(remote_id=remote_id, deleted_at__isnull=True)
        .first()
    )
    if post is None:
        raise Http404("No such sandbox post.")
    replies = post.replies.filter(deleted_at__isnull=True).select_related("author")[:50]
    return render(request, "sandbox/post.html", {"post": post, "replies": replies})
