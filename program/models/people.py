"""People and their places on posters and talks.

A poster's authors and a talk's speakers are the same idea: "a person at a position in an item's
printed list of people". ``PersonAtPosition`` holds it once; ``Authorship`` and ``Speakership``
only say which item they point at.
"""

from __future__ import annotations

import itertools
from collections.abc import Container
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.text import slugify

from program.models.conference import Conference, ProgramPart, can_see_drafts
from program.search import each_word_matches


def validate_links(value) -> None:
    """A person's links: a list of http(s) URLs."""
    if not isinstance(value, list):
        raise ValidationError("Links must be a list of URLs.")
    check = URLValidator(schemes=["http", "https"])
    for link in value:
        if not isinstance(link, str):
            raise ValidationError("Each link must be a URL written as text.")
        try:
            check(link)
        except ValidationError as error:
            raise ValidationError(
                "%(link)s is not an http(s) URL.", params={"link": link}, code="invalid_link"
            ) from error


class PersonQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)

    def visible_to(self, user) -> PersonQuerySet:
        """Organizers see everyone; others see people only through published content."""
        if can_see_drafts(user):
            return self
        return self.in_conferences(Conference.objects.published())

    def in_conference(self, conference: Conference) -> PersonQuerySet:
        return self.in_conferences([conference])

    def in_conferences(self, conferences) -> PersonQuerySet:
        """People on at least one poster or talk of these conferences."""
        condition = Q()
        for link_model in ORDERED_PEOPLE_MODELS:
            condition |= Exists(
                link_model.objects.filter(
                    person=OuterRef("pk"),
                    **{f"{link_model.item_field}__session__conference__in": conferences},
                )
            )
        return self.filter(condition)

    def search(self, query: str) -> PersonQuerySet:
        return self.filter(
            each_word_matches(
                query,
                lambda word: Q(name__folded__contains=word) | Q(affiliation__folded__contains=word),
            )
        )

    def unique_slug(self, name: str) -> str:
        """A slug for a new person called ``name`` that nobody in the database holds yet."""
        base = self.model.slug_base(name)
        taken = set(self.filter(slug__startswith=base).values_list("slug", flat=True))
        return self.model.free_slug(name, taken)


class Person(ProgramPart):
    name = models.CharField(max_length=200, help_text="Exactly as printed in the program.")
    slug = models.SlugField(max_length=220, unique=True)
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    links = models.JSONField(
        default=list, blank=True, validators=[validate_links], help_text="A list of URLs."
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "slug"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"], name="person_name_idx")]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def affected_conferences(self) -> models.QuerySet:
        return Conference.objects.filter(
            Q(sessions__posters__authorships__person=self)
            | Q(sessions__talks__speakerships__person=self)
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
    model: str, *, item: str, role: str, article: str
) -> list[models.BaseConstraint]:
    """Positions unique and from 1, and each person once, per item ("poster", "author", "an")."""
    return [
        models.UniqueConstraint(
            fields=[item, "position"],
            name=f"{model}_position_unique",
            violation_error_message=f"Two {role}s cannot share a position on one {item}.",
        ),
        models.UniqueConstraint(
            fields=[item, "person"],
            name=f"{model}_person_unique",
            violation_error_message=f"This person is already {article} {role} of this {item}.",
        ),
        models.CheckConstraint(
            condition=Q(position__gte=1),
            name=f"{model}_position_from_one",
            violation_error_message=f"{role.capitalize()} positions start at 1.",
        ),
    ]


class PersonAtPosition(models.Model):
    """One person at a position in an item's printed list of people (1 = first)."""

    #: The foreign key to the item (a poster or a talk), named by each concrete model.
    item_field: ClassVar[str]

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="%(class)ss")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    objects = PersonAtPositionQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.position}. {self.person}"

    @property
    def item(self):
        return getattr(self, self.item_field)

    # Serializers write the item and the person first: Django orders models by the foreign keys
    # to models with natural keys, so no explicit ``natural_key.dependencies`` are needed.
    def natural_key(self) -> tuple[str, int]:
        if not getattr(self, f"{self.item_field}_id"):
            raise ValueError(self.missing_item_message())
        return (*self.item.natural_key(), self.position)

    def missing_item_message(self) -> str:
        """Names a fixture record whose item is missing, so an organizer can find it."""
        person = Person.objects.filter(pk=self.person_id).values_list("slug", flat=True).first()
        return (
            f"{self._meta.label} at position {self.position} for person"
            f" {person or self.person_id!r} names a {self.item_field} that is neither in the"
            " database nor earlier in the fixture."
        )


class Authorship(PersonAtPosition):
    """One author of one poster."""

    item_field = "poster"
    poster = models.ForeignKey(
        "program.Poster", on_delete=models.CASCADE, related_name="authorships"
    )

    class Meta:
        ordering = ["poster", "position"]
        constraints = ordered_people_constraints(
            "authorship", item="poster", role="author", article="an"
        )


class Speakership(PersonAtPosition):
    """One speaker of one talk."""

    item_field = "talk"
    talk = models.ForeignKey("program.Talk", on_delete=models.CASCADE, related_name="speakerships")

    class Meta:
        ordering = ["talk", "position"]
        constraints = ordered_people_constraints(
            "speakership", item="talk", role="speaker", article="a"
        )


ORDERED_PEOPLE_MODELS = (Authorship, Speakership)
