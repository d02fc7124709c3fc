"""What every reader shares: the error it raises, and the fields it reads the same way in every
format (text without HTML, moments with their offsets, durations, web addresses, typed links,
session kinds and talk types)."""

from __future__ import annotations

import datetime
import email.utils
import html
import json
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.encoding import iri_to_uri
from django.utils.html import strip_tags
from django.utils.text import slugify

from program.models import LANGUAGE_TAG, LinkKind, PresentationType, SessionKind

# The format's link types as our kinds.
LINK_KINDS = {"paper": "paper", "slides": "slides", "media": "video", "video": "video"}
# Our own exports label each link with its kind and add the conference's page of the item.
KINDS_BY_LABEL = {label: kind for kind, label in LinkKind.choices}
CONFERENCE_PAGE = "On the conference site"
# One validator for every link (building one compiles its patterns: half of a FOSDEM file's read).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])


# More events or papers than any conference holds (FOSDEM ~1,000, a congress ~1,400, NeurIPS
# ~4,500 papers): a file past it is refused before anything is compared or written.
MAX_RECORDS = 100_000


class ReadError(ValueError):
    """The file cannot be read as a program; the message says where and why."""


def load_json(data: bytes):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReadError(f"This is not valid JSON: {error}") from error
    except RecursionError as error:  # "[[[[..." 100,000 deep: no program is nested so
        raise ReadError("This JSON is nested too deeply to be a program.") from error


# Markup some tools put in abstracts. Only text that has it is stripped: "a <b> c" in a plain
# abstract (math, code) is not a tag and is kept as written.
HTML_TAG = re.compile(
    r"</?(?:p|br|a|em|strong|b|i|u|ul|ol|li|code|pre|div|span|h[1-6]|blockquote)\b[^>]*>", re.I
)


def plain(text) -> str:
    """Text of an abstract as written, without the HTML some tools put in it, lines ending in
    a newline alone."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    if HTML_TAG.search(text):
        text = html.unescape(strip_tags(text))
    return text.strip()


def moment(value, where: str, zone: datetime.tzinfo | None = None) -> datetime.datetime:
    """A date and time as ISO 8601 (``2020-07-06T05:00:00+00:00``, or with ``_`` for ``T`` as
    Mini-Conf's YAML has it) or RFC 2822 (``Mon, 06 Jul 2020 05:00:00 GMT``, as served
    calendars write it); one without an offset is in ``zone``, and refused without one."""
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d_\d\d:\d\d.*", text):
        text = text.replace("_", "T", 1)
    try:
        found = datetime.datetime.fromisoformat(text)
    except ValueError:
        try:
            found = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError) as error:
            raise ReadError(f"{where}: {value!r} is not a date and time") from error
    if found.tzinfo is None:
        if zone is None:
            raise ReadError(f"{where}: {value!r} has no UTC offset")
        found = found.replace(tzinfo=zone)
    return found


def duration(value) -> datetime.timedelta | None:
    match = re.fullmatch(r"(\d{1,3}):(\d{2})(?::(\d{2}))?", str(value or ""))
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def web_address(value, where: str, skipped: list[str]) -> str:
    """A web address we can link to, else "" (and a note): imports never fail on a bad link."""
    url = iri_to_uri(str(value or "").strip())  # a space or an accent, as browsers send it
    if not url:
        return ""
    try:
        WEB_ADDRESS(url)
    except ValidationError:
        skipped.append(f"{where}: {url[:80]!r} is not an http(s) address, left out")
        return ""
    return url[:500]


def links_of(items, where: str, skipped: list[str]) -> tuple[list[dict], str]:
    """Typed links, and the conference's page of the item when the file names it."""
    links, page = [], ""
    for item in items or []:
        url = (item.get("url") or item.get("href") or "") if isinstance(item, dict) else ""
        url = web_address(url, where, skipped)
        if not url:
            continue
        title, kind = str(item.get("title") or "").strip(), str(item.get("type") or "").lower()
        if title == CONFERENCE_PAGE and kind == "web" and not page:
            page = url
            continue
        kind = KINDS_BY_LABEL.get(title) or LINK_KINDS.get(kind, LinkKind.OTHER)
        links.append({"kind": str(kind), "url": url})
    return links, page


def session_kind(label: str) -> str:
    """The session kind a type names (by code or label: "Break", "opening_remarks"), else ""."""
    code = slugify(label).replace("-", "_")
    for kind, kind_label in SessionKind.choices:
        if code == kind or label.strip().casefold() == kind_label.casefold():
            return kind
    return ""


def talk_type(label: str) -> tuple[str, str]:
    """A talk type as our code, and the file's label when the code is not one of ours."""
    code = slugify(label).replace("-", "_")[:32]
    if not code:
        return "", ""
    return code, ("" if code in PresentationType.values else label.strip()[:100])


def languages(value, where: str, skipped: list[str]) -> str:
    """Language tags as the model keeps them: ``"de, en"`` for a talk given in both (the main
    one first, as the Chaos congresses' hub writes them); what is no tag is left out."""
    tags = []
    for tag in re.split(r"[,;/\s]+", str(value or "").strip()):
        if not tag:
            continue
        if LANGUAGE_TAG.fullmatch(tag) and tag not in tags:
            tags.append(tag)
        else:
            skipped.append(f"{where}: language {tag[:40]!r} is not a language tag, left out")
    text = ""
    for tag in tags:  # as many as the field holds
        longer = f"{text}, {tag}" if text else tag
        if len(longer) > 35:
            break
        text = longer
    return text
