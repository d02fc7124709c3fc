"""The project's settings plus the development app (benchmarks, load tests, generated programs).

``DJANGO_SETTINGS_MODULE=devtools.settings manage.py benchmark_server big``; the test suite
uses it too (pyproject.toml). Production runs ``conference.settings``, which does not name this
app, so its commands are not there.
"""

from conference.settings import *  # noqa: F403
from conference.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
