"""People and their places on posters and talks.

A person is one conference's record of someone as that conference prints them (name, affiliation,
bio, links): the same human at two conferences is two records, linked only by an explicit
``external_id`` (ORCID, OpenReview id) or an organizer's merge, never by a guess from the name.
Two records with the same name in one conference are two different people.

A paper's authors and a talk's speakers are the same idea: "a person at a position in a
contribution's printed list of people" (``Authorship``); the contribution's posters and talks all
show that one list.
"""

from __future__ import annotations

import itertools
from collections.abc import Container
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from program.models.conference import Conference, can_see_drafts
from program.models.links import links_field
from program.models.search import PersonSearch


class PersonQuerySet(models.QuerySet):
    def get_by_natural_key(self, conference_slug: str, slug: str):
        return self.get(conference__slug=conference_slug, slug=slug)

    def visible_to(self, user) -> PersonQuerySet:
        """Organizers see everyone; others see the people of published conferences."""
        if can_see_drafts(user):
            return self
        return self.filter(conference__in=Conference.objects.published())

    def in_conference(self, conference: Conference) -> PersonQuerySet:
        return self.filter(conference=conference)

    def search(self, query: str) -> PersonQuerySet:
        """Each word starts a word of the name or affiliation; ranked as ``search_rank``."""
        return self.filter(search_document__document__matches=query).annotate(
            search_rank=PersonSearch.rank(query)
        )

    def unique_slug(self, conference: Conference, name: str) -> str:
        """A slug for a new person called ``name`` that nobody in the conference holds yet."""
        base = self.model.slug_base(name)
        taken = set(
            self.filter(conference=conference, slug__startswith=base).values_list("slug", flat=True)
        )
        return self.model.free_slug(name, taken)


class Person(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200, help_text="Exactly as printed in the program.")
    slug = models.SlugField(
        max_length=220, help_text="Unique within the conference; the person's page address."
    )
    external_id = models.CharField(
        "external id",
        max_length=200,
        blank=True,
        help_text=(
            "The same person at other conferences: an ORCID (0000-0002-1825-0097), an OpenReview"
            " id (~Ada_Lovelace1) or the source's own id. People with one id are linked, never"
            " people with one name."
        ),
    )
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    links = links_field()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "slug"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["conference", "name"], name="person_conference_name_idx"),
            models.Index(fields=["external_id"], name="person_external_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"],
                name="person_slug_unique_per_conference",
                violation_error_message="Another person of this conference has this slug.",
            ),
            models.UniqueConstraint(
                fields=["conference", "external_id"],
                condition=~Q(external_id=""),
                name="person_external_id_unique_per_conference",
                violation_error_message="Another person of this conference has this external id.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "program:person-detail",
            kwargs={"conference": self.conference.slug, "slug": self.slug},
        )

    def natural_key(self) -> tuple[str, str]:
        if not self.conference_id:
            # A fixture record without its conference: say which, not "Person has no conference".
            raise ValueError(f"program.person {self.slug!r} names no conference.")
        return (*self.conference.natural_key(), self.slug)

    natural_key.dependencies = ["program.conference"]

    def elsewhere(self, user) -> PersonQuerySet:
        """The same person (by external id) at the other conferences the user may see."""
        if not self.external_id:
            return Person.objects.none()
        return (
            Person.objects.visible_to(user)
            .filter(external_id=self.external_id)
            .exclude(pk=self.pk)
            .select_related("conference")
            .order_by("-conference__start_date", "conference__slug")
        )

    @staticmethod
    def slug_base(name: str) -> str:
        # "Maximilian Böther" -> "maximilian-bother"; a name of symbols only still gets a slug.
        return slugify(name) or "person"

    @classmethod
    def free_slug(cls, name: str, taken: Container[str]) -> str:
        """The one rule for person slugs: the name's slug, else with -2, -3 ... until free.

        The admin, the API, the seed fixture and the generated programs all call it; they differ
        only in what counts as taken (the database, or the people made so far).
        """
        base = cls.slug_base(name)
        if base not in taken:
            return base
        return next(
            candidate
            for number in itertools.count(2)
            if (candidate := f"{base}-{number}") not in taken
        )


class PersonAtPositionQuerySet(models.QuerySet):
    def get_by_natural_key(self, item_uid: str, position: int):
        return self.get(**{f"{self.model.item_field}__uid": item_uid, "position": position})


def ordered_people_constraints(
    model: str, *, item: str, noun: str, role: str, article: str
) -> list[models.BaseConstraint]:
    """Positions unique and from 1, and each person once, per item: the foreign key ``item``,
    called ``noun`` in messages ("contribution", "paper or talk", "author", "an")."""
    return [
        models.UniqueConstraint(
            fields=[item, "position"],
            name=f"{model}_position_unique",
            violation_error_message=f"Two {role}s cannot share a position on one {noun}.",
        ),
        models.UniqueConstraint(
            fields=[item, "person"],
            name=f"{model}_person_unique",
            violation_error_message=f"This person is already {article} {role} of this {noun}.",
        ),
        models.CheckConstraint(
            condition=Q(position__gte=1),
            name=f"{model}_position_from_one",
            violation_error_message=f"{role.capitalize()} positions start at 1.",
        ),
    ]


class PersonAtPosition(models.Model):
    """One person at a position in an item's printed list of people (1 = first)."""

    #: The foreign key to the item (a contribution), named by each concrete model.
    item_field: ClassVar[str]

    # RESTRICT, not PROTECT: deleting a conference takes its people and their places together.
    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="%(class)ss")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    objects = PersonAtPositionQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.position}. {self.person}"

    @property
    def item(self):
        return getattr(self, self.item_field)

    def clean(self) -> None:
        if not (self.person_id and getattr(self, f"{self.item_field}_id")):
            return
        conference = self.item.conference
        if self.person.conference_id != conference.pk:
            raise ValidationError(
                {
                    "person": (
                        f"{self.person.name} is a person of {self.person.conference}; choose"
                        f" {conference}'s record of them (or add one)."
                    )
                }
            )

    # Serializers write the item and the person first: Django orders models by the foreign keys
    # to models with natural keys, so no explicit ``natural_key.dependencies`` are needed.
    def natural_key(self) -> tuple[str, int]:
        if not getattr(self, f"{self.item_field}_id"):
            raise ValueError(self.missing_item_message())
        return (*self.item.natural_key(), self.position)

    def missing_item_message(self) -> str:
        """Names a fixture record whose item is missing, so an organizer can find it."""
        person = (
            Person.objects.filter(pk=self.person_id).values_list("conference__slug", "slug").first()
        )
        return (
            f"{self._meta.label} at position {self.position} for person"
            f" {list(person) if person else self.person_id!r} names a {self.item_field} that is"
            " neither in the"
            " database nor earlier in the fixture."
        )


class Authorship(PersonAtPosition):
    """One author (or speaker) of one contribution, at a position in its printed list."""

    item_field = "contribution"
    contribution = models.ForeignKey(
        "program.Contribution", on_delete=models.CASCADE, related_name="authorships"
    )

    class Meta:
        ordering = ["contribution", "position"]
        constraints = ordered_people_constraints(
            "authorship", item="contribution", noun="paper or talk", role="author", article="an"
        )


ORDERED_PEOPLE_MODELS = (Authorship,)
