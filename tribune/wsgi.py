"""The WSGI application (``tribune web``, any WSGI server): Django, behind the tracked-link
fast path (``/l/<code>``, see tribune/publishing/fastlink.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
django_application = get_wsgi_application()

# Imported once the app registry is ready (get_wsgi_application ran django.setup()).
from tribune.publishing.fastlink import FastLinkApplication  # noqa: E402

application = FastLinkApplication(django_application)
