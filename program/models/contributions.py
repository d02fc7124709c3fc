"""Contributions: the papers and talks of a conference, whatever slots they are presented in.

A contribution is what an author submits and a reader cites: title, abstract, ordered authors or
speakers, track, keywords, language and links. Its presentations are the posters and talks of
the timetable (``program/models/sessions.py``): one paper may have an oral and a poster, or a
Q&A repeated in two sessions for two time zones, each saved to an agenda on its own; an accepted
paper without a slot yet has none and is listed among the conference's accepted papers.
"""

from __future__ import annotations

import re
import uuid
from typing import NamedTuple

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse

from program.models.conference import Conference, Track, other_conference_errors
from program.models.links import links_field
from program.models.people import Authorship, Person
from program.models.search import ContributionSearch


class PersonName(NamedTuple):
    """A person as a list of results prints them: the name, linked by the slug."""

    name: str
    slug: str


MAX_KEYWORDS = 50
# A language tag as BCP 47 writes it: "en", "de", "pt-BR", "zh-Hant".
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def validate_keywords(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(word, str) and word.strip() and len(word) <= 100 for word in value
    ):
        raise ValidationError(
            'Give keywords as a list of words or phrases of at most 100 characters: ["LLM",'
            ' "scheduling"].'
        )
    if len(value) > MAX_KEYWORDS:
        raise ValidationError(f"Give at most {MAX_KEYWORDS} keywords.")


def validate_language(value: str) -> None:
    """One language tag, or several separated by commas, the main one first ("de, en")."""
    if value and not all(LANGUAGE_TAG.fullmatch(tag.strip()) for tag in value.split(",")):
        raise ValidationError(
            'Give a language tag such as "en", "de" or "pt-BR", or several separated by commas,'
            ' the main one first: "de, en".'
        )


class ContributionQuerySet(models.QuerySet):
    def get_by_natural_key(self, uid: str):
        return self.get(uid=uid)

    def visible_to(self, user) -> ContributionQuerySet:
        return self.filter(conference__in=Conference.objects.visible_to(user))

    def for_conference(self, conference: Conference) -> ContributionQuerySet:
        return self.filter(conference=conference)

    def search(self, query: str) -> ContributionQuerySet:
        """Each word starts a word of the title, people's names, abstract, keywords or session
        titles; ranked as ``search_rank`` (``program/search/fulltext.py``)."""
        return self.filter(search_document__document__matches=query).annotate(
            search_rank=ContributionSearch.rank(query)
        )

    def with_person(self, person: Person | int) -> ContributionQuerySet:
        return self.filter(authorships__person=person)

    def scheduled(self, scheduled: bool = True) -> ContributionQuerySet:
        """With at least one poster or talk, or (``False``) with none: accepted, not yet placed."""
        Poster, Talk = apps.get_model("program", "Poster"), apps.get_model("program", "Talk")
        poster = Exists(Poster.objects.filter(contribution=OuterRef("pk")))
        talk = Exists(Talk.objects.filter(contribution=OuterRef("pk")))
        # "Neither" as two NOT EXISTS, not NOT (a OR b): PostgreSQL turns the first into anti
        # joins that start from the few unplaced papers; the second it checks paper by paper.
        return self.filter(poster | talk if scheduled else ~poster & ~talk)

    def with_people(self) -> ContributionQuerySet:
        """With conference, track and ordered people: two queries."""
        return self.select_related("conference", "track__conference").prefetch_related(
            Contribution.prefetch_people()
        )

    def as_results(self) -> ContributionQuerySet:
        """What a list of results shows (title, link), without the abstracts: one query. Their
        people come by ``Contribution.attach_names``; anything left out that a template reads
        anyway is fetched for the whole list at once (``FETCH_PEERS``), never row by row."""
        return (
            self.select_related("conference")
            .defer(*Contribution.NOT_IN_RESULTS)
            .fetch_mode(models.FETCH_PEERS)
        )

    def with_presentations(self) -> ContributionQuerySet:
        """With ``with_people`` and every poster and talk, their sessions and rooms."""
        return self.with_people().prefetch_related(*Contribution.prefetch_presentations())


class Contribution(models.Model):
    """A paper or talk of one conference, presented in any number of slots (or none yet)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="contributions"
    )
    uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Stable identity across fixtures and imports.",
    )
    title = models.CharField(max_length=500)
    abstract = models.TextField(blank=True)
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        help_text="Leave empty to show each presentation in its session's track.",
    )
    keywords = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_keywords],
        help_text='Words or phrases, in printed order: ["LLM", "scheduling"].',
    )
    language = models.CharField(
        max_length=35,
        blank=True,
        validators=[validate_language],
        help_text='The language it is given in, as a tag: "en", "de", "pt-BR"; several'
        ' separated by commas, the main one first: "de, en".',
    )
    external_url = models.URLField(
        "page on the conference site", max_length=500, blank=True, default=""
    )
    external_id = models.CharField(
        "external id",
        max_length=200,
        blank=True,
        default="",
        help_text="The submission's id in the tool it came from (a pretalx code such as"
        " 'GXMQAB'), kept by imports and written back by the frab exports.",
    )
    links = links_field()
    people = models.ManyToManyField(
        Person, through=Authorship, related_name="contributions", blank=True
    )

    objects = ContributionQuerySet.as_manager()

    #: Left in the database by lists of results (``as_results``): the long text and the lists.
    NOT_IN_RESULTS = ("abstract", "keywords", "links")

    class Meta:
        ordering = ["conference", "title", "pk"]
        indexes = [models.Index(fields=["conference", "title"], name="contribution_title_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "program:contribution-detail",
            kwargs={"conference": self.conference.slug, "pk": self.pk},
        )

    def natural_key(self) -> tuple[str]:
        return (str(self.uid),)

    @classmethod
    def prefetch_people(cls, through: str = "") -> Prefetch:
        """The contribution's people in printed order, with their Person rows.

        ``through`` reaches the contribution from another model ("contribution__" from a poster).
        """
        return Prefetch(
            f"{through}authorships",
            queryset=Authorship.objects.select_related("person").order_by("position"),
        )

    @classmethod
    def attach_names(cls, *lists) -> None:
        """Give every result of ``lists`` (posters, talks, contributions, in any mix) its people
        in printed order as ``names``: ``PersonName`` values, one query for all the lists.

        What a list of results prints of a person is a name and a link; as model instances
        (an authorship and a person for each name, some 750 on a search page) through
        ``prefetch_related``, they took 40% of a search's time, measured; as values, little.
        """

        def contribution_id(item) -> int:
            return item.pk if isinstance(item, cls) else item.contribution_id

        items = [item for results in lists for item in results]
        names: dict[int, list[PersonName]] = {}
        if items:
            rows = (
                Authorship.objects.filter(contribution__in={contribution_id(i) for i in items})
                .order_by("contribution", "position")
                .values_list("contribution", "person__name", "person__slug")
            )
            for contribution, name, slug in rows:
                names.setdefault(contribution, []).append(PersonName(name, slug))
        for item in items:
            item.names = names.get(contribution_id(item), [])

    @classmethod
    def prefetch_presentations(cls) -> list[Prefetch]:
        """Its posters and talks with their sessions and rooms, for ``presentations``."""
        Poster, Talk = apps.get_model("program", "Poster"), apps.get_model("program", "Talk")
        return [
            Prefetch(
                relation,
                queryset=model.objects.select_related(
                    "session__conference", "session__room", "session__track", "room"
                ).in_program_order(),
            )
            for relation, model in (("posters", Poster), ("talks", Talk))
        ]

    @classmethod
    def prefetch_similar(cls) -> list[Prefetch]:
        """Its similar contributions (``similar_papers``) with their people: two queries."""
        from program.models.similar import SimilarContribution

        return [
            Prefetch(
                "similar_links",
                queryset=SimilarContribution.objects.select_related("similar__conference").order_by(
                    "rank"
                ),
            ),
            cls.prefetch_people(through="similar_links__similar__"),
        ]

    @property
    def similar_papers(self) -> list[Contribution]:
        """The most similar contributions of its conference, best first (``prefetch_similar``);
        computed after each change by ``program/search/similar.py``."""
        return [link.similar for link in self.similar_links.all()]

    @property
    def ordered_people(self) -> models.QuerySet:
        """Authors or speakers in printed order (prefetched by ``with_people``)."""
        return self.authorships.all()

    @property
    def presentations(self) -> list:
        """Its posters and talks in program order (prefetched by ``with_presentations``)."""
        return sorted(
            [*self.posters.all(), *self.talks.all()],
            key=lambda item: (item.session.day, item.session.position, item.position, item.pk),
        )

    def clean(self) -> None:
        if self.conference_id:
            errors = other_conference_errors(self, self.conference, ("track",))
            if errors:
                raise ValidationError(errors)
