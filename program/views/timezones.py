"""The visitor's choice of time zone: a page of its own with a plain form, remembered for the
visit (the list of zones is ~20 KB, so no other page carries it)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from program.timezones import chosen_zone, remember_zone, zones_by_region


def safe_next(request, target: str) -> str:
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_http_methods(["GET", "HEAD", "POST"])
def set_timezone(request):
    if request.method != "POST":
        chosen = chosen_zone(request)
        context = {
            "regions": zones_by_region(),
            "chosen": chosen.key if chosen else "",
            "next": safe_next(request, request.GET.get("next", "")),
        }
        return render(request, "program/timezone.html", context)
    name = request.POST.get("timezone", "").strip()
    if not remember_zone(request, name):
        messages.error(request, f"“{name[:80]}” is not a time zone we know; times are unchanged.")
    return redirect(safe_next(request, request.POST.get("next", "")))
