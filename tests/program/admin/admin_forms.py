"""Posting admin forms as a browser would, and reading what they answer."""

import datetime

from django.utils import timezone

from program.models import Contribution
from tests.factories import (
    PACIFIC,
)

PROGRAM_MODELS = ["conference", "room", "person", "session", "contribution", "poster", "talk"]


def form_data(response, zone=PACIFIC) -> dict:
    """The POST a browser would send for an admin change form, as it was rendered.

    Times are read in ``zone``, the conference's, as the admin shows them.
    """
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += inline.formset.forms
    with timezone.override(zone):
        for form in forms:
            for name in form.fields:
                value, key = form[name].value(), form.add_prefix(name)
                if value is None or value is False:
                    continue
                if value is True:
                    data[key] = "on"
                elif isinstance(value, datetime.datetime):
                    data[f"{key}_0"] = value.strftime("%Y-%m-%d")
                    data[f"{key}_1"] = value.strftime("%H:%M:%S")
                else:
                    data[key] = value
    return data


def change_url(obj) -> str:
    return f"/admin/program/{obj._meta.model_name}/{obj.pk}/change/"


def save(client, obj, data) -> None:
    """Posts the change form and fails with the form's errors when it does not save."""
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context and [
        response.context["errors"],
        [formset.errors for formset in response.context["inline_admin_formsets"]],
    ]


def refused(client, url, data) -> str:
    """Posts a form that must come back with errors (never a 500) and returns the page."""
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content.decode()


def names_in_order(item) -> list[str]:
    """The people of a contribution, or of a poster's or talk's contribution, in order."""
    contribution = item if isinstance(item, Contribution) else item.contribution
    return [link.person.name for link in contribution.authorships.order_by("position")]
