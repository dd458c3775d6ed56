import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from tribune.api.main import api


def with_rate_headers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Tell clients where they stand: limit, requests left, seconds to the next window."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        rate = getattr(request, "rate_limit", None)
        if rate is not None:
            limit, remaining, reset = rate
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
            response["X-RateLimit-Reset"] = str(reset)
        return response

    return wrapped


app_name = "api"
urlpatterns = api.urls[0]
for pattern in urlpatterns:
    pattern.callback = with_rate_headers(pattern.callback)  # type: ignore[union-attr,arg-type]
