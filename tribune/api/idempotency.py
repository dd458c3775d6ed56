"""``Idempotency-Key`` on creates: the first answer is stored and replayed on retries.

A retry with the same key and the same request gets the stored answer (status and body,
with ``Idempotent-Replayed: true``) and changes nothing. The same key with another
request is refused (422). The create and the stored answer commit together, so a crash
never leaves one without the other; two requests racing with one key: the second waits
on the unique index and is then refused with 409 (retry it to get the replay).
Keys are kept 24 hours.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from pydantic import BaseModel

from tribune.api.auth import api_token
from tribune.api.errors import ApiError
from tribune.api.models import IdempotentRequest

KEEP = timedelta(hours=24)
HEADER = "Idempotency-Key"


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:  # multipart already parsed: hash the fields and files
        for name in sorted(request.POST):
            digest.update(f"{name}={request.POST.getlist(name)}".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def _render(status: int, data: Any) -> HttpResponse:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder), status=status, content_type="application/json"
    )


def idempotent(func: Callable[..., tuple[int, Any]]) -> Callable[..., HttpResponse]:
    """Wrap an operation returning ``(status, schema instance)``."""

    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return _render(*func(request, *args, **kwargs))
        if len(key) > 255:
            raise ApiError(422, "invalid", "An Idempotency-Key has at most 255 characters.")
        token = api_token(request)
        fingerprint = _fingerprint(request)
        fresh_after = timezone.now() - KEEP
        with transaction.atomic():
            stored = IdempotentRequest.objects.filter(
                token=token, key=key, created_at__gte=fresh_after
            ).first()
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    raise ApiError(
                        422,
                        "idempotency_key_reused",
                        "This Idempotency-Key was used for another request; use a new key.",
                    )
                response = HttpResponse(
                    stored.body, status=stored.status_code, content_type="application/json"
                )
                response["Idempotent-Replayed"] = "true"
                return response
            IdempotentRequest.objects.filter(token=token, key=key).delete()  # expired
            status, data = func(request, *args, **kwargs)
            response = _render(status, data)
            try:
                with transaction.atomic():
                    IdempotentRequest.objects.create(
                        token=token,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=status,
                        body=response.content.decode(),
                        created_at=timezone.now(),
                    )
            except IntegrityError:
                raise ApiError(
                    409,
                    "idempotency_in_progress",
                    "Another request with this Idempotency-Key was being processed; retry.",
                ) from None
            return response

    return wrapper
