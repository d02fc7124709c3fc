"""WSGI entry point, served by gunicorn (``gunicorn conference.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")

application = get_wsgi_application()

# Load the URL map, and with it every view module (the API and its docs among them), now rather
# than on a worker's first request, which would otherwise take a few hundred milliseconds longer.
# Nothing here touches the database, so gunicorn's --preload may run it once before forking.
get_resolver().url_patterns  # noqa: B018 (evaluated for its side effect)
