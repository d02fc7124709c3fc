"""The visitor's choice of time zone: a plain form, remembered for the visit."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from program.timezones import remember_zone


@require_POST
def set_timezone(request):
    name = request.POST.get("timezone", "").strip()
    if not remember_zone(request, name):
        messages.error(request, f"“{name[:80]}” is not a time zone we know; times are unchanged.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)
