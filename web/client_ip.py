"""The one notion of the client's address, for throttles, lock-outs and logs.

``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in front of the app. With 0 (the
default) the address is ``REMOTE_ADDR`` and ``X-Forwarded-For`` is ignored, so a made-up header
cannot give anyone a fresh throttle budget or dodge a lock-out. With N, the address is the N-th
entry of ``X-Forwarded-For`` from the right: the one our outermost proxy wrote (entries further
left were sent by the client and prove nothing). DRF's ``NUM_PROXIES`` and gunicorn's
``--forwarded-allow-ips`` are set from the same number (settings.py, Makefile).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote
    candidate = addresses[-min(count, len(addresses))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Our own proxy writes real addresses; anything else is not trusted.
        return remote
