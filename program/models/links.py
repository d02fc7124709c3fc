"""Typed links: a person's homepage or ORCID, a paper's PDF, code, slides, video or stream.

Links are kept as a JSON list on the person, poster or talk (``[{"kind": "code", "url": ...}]``)
in printed order: they are read and written whole with their owner, by the admin, the API and
fixtures, so a table of their own would add a join to every page for nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models


class LinkKind(models.TextChoices):
    PAPER = "paper", "Paper"
    CODE = "code", "Code"
    SLIDES = "slides", "Slides"
    VIDEO = "video", "Video"
    STREAM = "stream", "Stream"
    HOMEPAGE = "homepage", "Homepage"
    ORCID = "orcid", "ORCID"
    OTHER = "other", "Link"


LINKS_HELP = (
    'A list of links, each {"kind": ..., "url": "https://..."}; kinds: '
    + ", ".join(LinkKind.values)
    + "."
)

# Where a bare URL's host says what it is (for old data and imports that give only URLs).
KIND_BY_HOST = {
    "orcid.org": LinkKind.ORCID,
    "github.com": LinkKind.CODE,
    "gitlab.com": LinkKind.CODE,
    "codeberg.org": LinkKind.CODE,
    "arxiv.org": LinkKind.PAPER,
    "openreview.net": LinkKind.PAPER,
    "doi.org": LinkKind.PAPER,
    "proceedings.mlsys.org": LinkKind.PAPER,
    "youtube.com": LinkKind.VIDEO,
    "youtu.be": LinkKind.VIDEO,
    "vimeo.com": LinkKind.VIDEO,
    "slideslive.com": LinkKind.VIDEO,
    "speakerdeck.com": LinkKind.SLIDES,
    "slideshare.net": LinkKind.SLIDES,
}


def guess_kind(url: str, default: str = LinkKind.OTHER) -> str:
    """The kind a bare URL most likely is, from its host ("github.com" is code), else default."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return KIND_BY_HOST.get(host, default)


def validate_links(value) -> None:
    """A list of {"kind", "url"}: a known kind and an http(s) URL, nothing else."""
    if not isinstance(value, list):
        raise ValidationError("Links must be a list.")
    check = URLValidator(schemes=["http", "https"])
    for link in value:
        if not isinstance(link, dict) or set(link) != {"kind", "url"}:
            raise ValidationError(
                'Each link must be {"kind": ..., "url": ...}; got %(link)s.',
                params={"link": link},
                code="invalid_link",
            )
        if link["kind"] not in LinkKind.values:
            raise ValidationError(
                "%(kind)s is not a kind of link; use one of %(kinds)s.",
                params={"kind": link["kind"], "kinds": ", ".join(LinkKind.values)},
                code="invalid_link_kind",
            )
        url = link["url"]
        try:
            if not isinstance(url, str):
                raise ValidationError("not text")
            check(url)
        except ValidationError as error:
            raise ValidationError(
                "%(link)s is not an http(s) URL.", params={"link": url}, code="invalid_link"
            ) from error


def links_field() -> models.JSONField:
    return models.JSONField(
        default=list, blank=True, validators=[validate_links], help_text=LINKS_HELP
    )


def labelled(links: list[dict]) -> list[tuple[str, str]]:
    """(label, url) pairs for a page: "Code", "https://github.com/..."."""
    return [(LinkKind(link["kind"]).label, link["url"]) for link in links]
