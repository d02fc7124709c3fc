# Moved to web/throttling.py; conference/front_cache.py still imports AnonThrottle from here.
from web.throttling import AnonThrottle  # noqa: F401
