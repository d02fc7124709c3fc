"""Kinds of sessions and types of presentations: defaults for every conference, and the ones a
conference adds (or relabels) for itself.

The defaults cover the seed (MLSys prints "Poster", "Invited Talk", ...), ML conferences (orals,
spotlights, tutorials, workshops) and community conferences (devrooms, lightning talks, BoFs,
Q&A). A conference keeps its own as ``{"code": "label"}`` on its record, so a page that has the
conference has every label without another query.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

CODE = re.compile(r"[a-z0-9_]{1,32}")


class SessionKind(models.TextChoices):
    # Labels are what the conference's own page prints before the title ("Poster: Session 9").
    REGISTRATION = "registration", "Registration Desk"
    POSTER_SESSION = "poster_session", "Poster"
    INVITED_TALK = "invited_talk", "Invited Talk"
    KEYNOTE = "keynote", "Keynote"
    ORAL_SESSION = "oral_session", "Oral Session"
    BREAK = "break", "Break"
    SOCIAL = "social", "Social"
    OPENING_REMARKS = "opening_remarks", "Opening Remarks"
    CLOSING_REMARKS = "closing_remarks", "Closing Remarks"
    OTHER = "other", "Other"
    SPOTLIGHT_SESSION = "spotlight_session", "Spotlight Session"
    TUTORIAL = "tutorial", "Tutorial"
    WORKSHOP = "workshop", "Workshop"
    PANEL = "panel", "Panel"
    LIGHTNING_TALKS = "lightning_talks", "Lightning Talks"
    QA = "qa", "Q&A"
    DEVROOM = "devroom", "Devroom"
    BOF = "bof", "Birds of a Feather"
    DEMO = "demo", "Demo Session"


class PresentationType(models.TextChoices):
    """What a talk is within its session; empty means "as its session's kind"."""

    ORAL = "oral", "Oral"
    SPOTLIGHT = "spotlight", "Spotlight"
    INVITED = "invited", "Invited Talk"
    KEYNOTE = "keynote", "Keynote"
    TALK = "talk", "Talk"
    LIGHTNING = "lightning", "Lightning Talk"
    QA = "qa", "Q&A"
    TUTORIAL = "tutorial", "Tutorial"
    WORKSHOP = "workshop", "Workshop"
    PANEL = "panel", "Panel"
    DEMO = "demo", "Demo"


def validate_labels(value) -> None:
    """A conference's own kinds: ``{"devroom": "Devroom"}``, codes of lower-case letters, digits
    and "_" (at most 32), labels of at most 100 characters."""
    if not isinstance(value, dict):
        raise ValidationError('Give the kinds as {"code": "Label", ...}.')
    for code, label in value.items():
        if not CODE.fullmatch(code):
            raise ValidationError(
                f"{code!r} is not a code: use lower-case letters, digits and _ (at most 32)."
            )
        if not isinstance(label, str) or not label.strip() or len(label) > 100:
            raise ValidationError(f"Give {code!r} a label of 1 to 100 characters.")


def choices(defaults: type[models.TextChoices], own: dict[str, str]) -> list[tuple[str, str]]:
    """The defaults (relabelled where the conference says so), then the conference's own."""
    merged = {code: own.get(code, label) for code, label in defaults.choices}
    merged.update(own)
    return list(merged.items())
