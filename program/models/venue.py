"""Floor plans of rooms and where the poster boards stand on them.

A plan is one picture per room (``program/venue/floor_plans.py`` checks it), kept in the database so
that every instance serves it without shared file storage; a board spot is a board number as
the program prints it ("2504") at a point of the plan, as fractions of its width and height
(0 = left/top, 1 = right/bottom), so it stays put when the plan is drawn at any size.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from program.models.conference import Room
from program.models.sessions import validate_board
from program.venue import floor_plans

FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class FloorPlanQuerySet(models.QuerySet):
    def without_picture(self) -> FloorPlanQuerySet:
        """Everything but the picture's bytes: what pages need to draw over it."""
        return self.defer("picture")

    def room_ids_for(self, sessions) -> set[int]:
        """The rooms with a plan, for pages listing these sessions' posters (a query only when
        one of them has a board)."""
        if not any(poster.board for session in sessions for poster in session.posters.all()):
            return set()
        conferences = {session.conference_id for session in sessions}
        return set(self.filter(room__conference__in=conferences).values_list("room_id", flat=True))


class FloorPlan(models.Model):
    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="floor_plan")
    picture = models.BinaryField(editable=False)
    content_type = models.CharField(max_length=40, editable=False)
    width = models.FloatField(editable=False, help_text="In the picture's own units.")
    height = models.FloatField(editable=False)
    version = models.CharField(max_length=16, editable=False, help_text="A hash of the picture.")

    objects = FloorPlanQuerySet.as_manager()

    class Meta:
        ordering = ["room"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(width__gt=0, height__gt=0), name="floor_plan_has_a_size"
            )
        ]

    def __str__(self) -> str:
        return f"Floor plan of {self.room}"

    def set_picture(self, data: bytes) -> None:
        checked = floor_plans.check(data)
        self.picture = data
        self.content_type = checked.content_type
        self.width, self.height = checked.width, checked.height
        self.version = hashlib.sha256(data).hexdigest()[:16]

    def picture_url(self) -> str:
        """The picture's address, changing with the picture, so it may be kept for a long time."""
        return (
            reverse(
                "program:floor-plan",
                kwargs={"conference": self.room.conference.slug, "pk": self.room_id},
            )
            + f"?v={self.version}"
        )

    @property
    def mark_radius(self) -> float:
        return max(self.width, self.height) * 0.012


class BoardSpotQuerySet(models.QuerySet):
    def drawn(self) -> BoardSpotQuerySet:
        """With their plan (not its picture) and room, to draw and name them."""
        return self.select_related("plan__room__conference").defer("plan__picture")

    def of_poster(self, poster) -> BoardSpot | None:
        """Where the poster's board stands on its room's plan, if it has both."""
        room = poster.effective_room
        if not poster.board or room is None:
            return None
        return self.drawn().filter(plan__room=room, board=poster.board).first()


class BoardSpot(models.Model):
    plan = models.ForeignKey(FloorPlan, on_delete=models.CASCADE, related_name="spots")
    board = models.CharField("poster board", max_length=20, validators=[validate_board])
    x = models.FloatField(validators=FRACTION, help_text="From the left edge: 0 to 1.")
    y = models.FloatField(validators=FRACTION, help_text="From the top edge: 0 to 1.")

    objects = BoardSpotQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "board"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "board"],
                name="board_spot_once_per_plan",
                violation_error_message="This board already has a place on this plan.",
            ),
            models.CheckConstraint(
                condition=models.Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1),
                name="board_spot_on_the_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"Board #{self.board}"

    def clean(self) -> None:
        if not self.board:
            raise ValidationError({"board": "Give the board's number."})

    # Where to draw it, in the plan's own units.
    @property
    def cx(self) -> float:
        return round(self.x * self.plan.width, 2)

    @property
    def cy(self) -> float:
        return round(self.y * self.plan.height, 2)
