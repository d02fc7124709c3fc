"""The organizers' import page in the admin: upload a program file, see what it would change,
confirm. The upload waits in a ``PendingImport`` between the two steps; the preview is a dry run
of the very import that the confirmation runs. A large upload is previewed and imported by the
task worker (``background``), on a page that shows how far it is and refreshes itself."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_slug
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from program.importing import background
from program.importing.applying import ImportProblem, RemovalsNotConfirmed
from program.importing.files import import_file
from program.importing.readers import FORMATS, MAX_BYTES, ReadError, detect
from program.models import PendingImport, validate_conference_slug, validate_timezone

# What an organizer needs to be allowed to do to import: write every part of a program.
REQUIRED_PERMISSIONS = [
    f"program.{action}_{model}"
    for action in ("add", "change", "delete")
    for model in ("conference", "session", "contribution", "poster", "talk", "person")
]
SHOWN = background.SHOWN


class ImportForm(forms.Form):
    conference = forms.CharField(
        max_length=60,
        validators=[validate_slug, validate_conference_slug],
        help_text="The slug of the conference to fill or update; a new one is made as a draft.",
    )
    file = forms.FileField(
        help_text="A frab/c3voc schedule.json or schedule.xml, or a Mini-Conf papers.csv/json."
    )
    calendar = forms.FileField(
        required=False, help_text="Mini-Conf only: the main_calendar.json with the sessions."
    )
    format = forms.ChoiceField(
        choices=[("", "Detect from the file"), *((f, f) for f in FORMATS)], required=False
    )
    timezone = forms.CharField(
        label="Time zone",
        max_length=64,
        required=False,
        validators=[validate_timezone],
        help_text="Only for a file that names no zone (an IANA name such as Europe/Brussels);"
        " empty: the file's, else the conference's, else the offsets its times carry.",
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("file", "calendar"):
            upload = cleaned.get(name)
            if upload and upload.size > MAX_BYTES:
                self.add_error(name, f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")
        return cleaned


def import_view(model_admin, request):
    if not request.user.has_perms(REQUIRED_PERMISSIONS):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import a program",
        "opts": model_admin.model._meta,
    }
    if request.method == "POST" and "token" in request.POST:
        return _confirm(model_admin, request, context)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        pending = _pending(request, form)
        if pending is not None and _large(pending):
            background.start(pending)
            return redirect(_status_url(pending))
        if pending is not None:
            response = _preview(request, pending, context)
            if response is not None:
                return response
    context["form"] = form
    return TemplateResponse(request, "admin/program/import.html", context)


def _preview(request, pending: PendingImport, context):
    """The dry run's report: totals, removals and what was left out first, then the changes
    by day and room. None (with a message) when the file does not fit."""
    report = _run(request, pending, dry_run=True)
    if report is None:
        return None
    changes = report.by_day()
    removals = [change for change in changes if change.action == "remove"][:SHOWN]
    shown = [change for change in changes if change.action != "remove"][:SHOWN]
    context.update(
        report=report,
        pending=pending,
        removals=removals,
        shown=shown,
        not_shown=len(changes) - len(removals) - len(shown),
        change_count=len(changes),
        skipped_count=len(report.skipped),
        zone_form=ZoneForm(initial={"timezone": pending.timezone}),
    )
    return TemplateResponse(request, "admin/program/import_preview.html", context)


class ZoneForm(forms.Form):
    timezone = ImportForm.base_fields["timezone"]


def _pending(request, form) -> PendingImport | None:
    data = form.cleaned_data["file"].read()
    calendar = form.cleaned_data["calendar"].read() if form.cleaned_data["calendar"] else None
    try:
        fmt = form.cleaned_data["format"] or detect(data)
    except ReadError as error:
        form.add_error("file", str(error))
        return None
    PendingImport.objects.stale().delete()
    return PendingImport.objects.create(
        user=request.user,
        conference_slug=form.cleaned_data["conference"],
        format=fmt,
        file_name=form.cleaned_data["file"].name[:200],
        data=data,
        calendar=calendar,
        timezone=form.cleaned_data["timezone"],
    )


def _run(request, pending: PendingImport, *, dry_run: bool, allow_removals: bool = False):
    """The import (or its dry run); None, with a message, when the file does not fit."""
    try:
        return import_file(
            bytes(pending.data),
            pending.format,
            slug=pending.conference_slug,
            calendar=_bytes(pending.calendar),
            dry_run=dry_run,
            allow_removals=allow_removals,
            zone=pending.timezone,
        )
    except RemovalsNotConfirmed:
        raise
    except (ReadError, ImportProblem) as error:
        problems = getattr(error, "problems", [str(error)])
        messages.error(
            request,
            f"{pending.file_name} does not fit; nothing was imported. "
            + " · ".join(problems[:20])
            + (f" · and {len(problems) - 20} more" if len(problems) > 20 else ""),
        )
        pending.delete()
        return None


def _bytes(value) -> bytes | None:
    return bytes(value) if value is not None else None


def _large(pending: PendingImport) -> bool:
    size = len(pending.data) + len(pending.calendar or b"")
    return size > background.LARGE_BYTES


def _status_url(pending: PendingImport) -> str:
    return reverse("admin:program_conference_import_status", args=[pending.token])


def _confirm(model_admin, request, context):
    pending = get_object_or_404(
        PendingImport, token=request.POST.get("token") or None, user=request.user
    )
    if "timezone" in request.POST:  # the preview again, the file's times in another zone
        zone = ZoneForm(request.POST)
        if zone.is_valid():
            pending.timezone = zone.cleaned_data["timezone"]
            pending.save(update_fields=["timezone"])
        else:
            messages.error(request, " ".join(zone.errors["timezone"]))
        if _large(pending):
            background.start(pending)
            return redirect(_status_url(pending))
        return _preview(request, pending, context) or redirect(
            reverse("admin:program_conference_import")
        )
    allow_removals = bool(request.POST.get("allow_removals"))
    if _large(pending):
        background.start(pending, apply=True, allow_removals=allow_removals)
        return redirect(_status_url(pending))
    try:
        report = _run(request, pending, dry_run=False, allow_removals=allow_removals)
    except RemovalsNotConfirmed as problem:
        messages.error(request, f"Nothing was imported. {problem}")
        return _preview(request, pending, context) or redirect(
            reverse("admin:program_conference_import")
        )
    if report is None:
        return redirect(reverse("admin:program_conference_import"))
    pending.delete()
    messages.success(
        request,
        f"Imported {pending.file_name} into {report.conference}: {len(report.changes)} change(s).",
    )
    return redirect(reverse("admin:program_conference_changelist"))


def import_status_view(model_admin, request, token):
    """A large upload's page while the task worker reads or imports it (refreshing itself),
    then its preview, or its outcome as a message."""
    if not request.user.has_perms(REQUIRED_PERMISSIONS):
        raise PermissionDenied
    found = background.state(token)
    if found is None or found.get("user") != request.user.pk:
        raise Http404("No such import.")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import a program",
        "opts": model_admin.model._meta,
    }
    stage = found["stage"]
    if "poll" in request.GET and stage in ("failed", "imported", "previewed"):
        return HttpResponse(status=204)  # the page's script then asks for the page itself
    if stage == "failed":
        background.forget_state(token)
        problems = found["problems"]
        messages.error(
            request,
            f"{found['file']} does not fit; nothing was imported. "
            + " · ".join(problems[:20])
            + (f" · and {len(problems) - 20} more" if len(problems) > 20 else ""),
        )
        return redirect(reverse("admin:program_conference_import"))
    if stage == "imported":
        background.forget_state(token)
        messages.success(request, found["message"])
        return redirect(reverse("admin:program_conference_changelist"))
    pending = PendingImport.objects.filter(token=token, user=request.user).first()
    if pending is None:
        raise Http404("No such import.")
    if stage == "previewed":
        context.update(
            background.preview_context(found["preview"]),
            pending=pending,
            zone_form=ZoneForm(initial={"timezone": pending.timezone}),
        )
        return TemplateResponse(request, "admin/program/import_preview.html", context)
    context.update(pending=pending, progress=found)
    return TemplateResponse(request, "admin/program/import_progress.html", context)
