"""The API's own routers (other areas add a ``tribune/<app>/api.py`` with ``router``)."""

from tribune.api.routers import (
    analytics,
    brands,
    community,
    inbox,
    listening,
    metrics,
    posts,
    transfer,
)

ROUTERS = [
    brands.router,
    posts.router,
    inbox.router,
    listening.router,
    metrics.router,
    transfer.router,
    community.router,
    analytics.router,
]
