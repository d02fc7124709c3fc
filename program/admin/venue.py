"""The admin's floor plans: upload a room's plan, then place its poster boards on it by clicking
the picture (``static/js/place_boards.js``), by typing coordinates in the rows, or by pasting a
list of ``board,x,y`` lines (an export from a venue's drawing, for instance)."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from program.models import BoardSpot, FloorPlan
from program.models.sessions import validate_board
from program.venue import floor_plans


def parse_spots(text: str) -> list[tuple[str, float, float]]:
    """``board,x,y`` per line; x and y from the plan's left and top edges, as fractions (0.25)
    or percentages (25%). Raises a ValidationError naming every line at fault."""
    spots, problems = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 3:
            problems.append(f"Line {number}: give three values, board,x,y (e.g. 2504,0.25,0.6).")
            continue
        board, *place = (value.strip() for value in row)
        try:
            validate_board(board)
            if not board:
                raise ValidationError("Give the board's number.")
            x, y = (fraction(value) for value in place)
        except ValidationError as error:
            problems.append(f"Line {number}: {' '.join(error.messages)}")
            continue
        spots.append((board, x, y))
    if problems:
        raise ValidationError(problems)
    return spots


def fraction(value: str) -> float:
    try:
        number = float(value.removesuffix("%")) / (100 if value.endswith("%") else 1)
    except ValueError as error:
        raise ValidationError(f'"{value}" is not a number.') from error
    if not 0 <= number <= 1:
        raise ValidationError(f'"{value}" is off the plan: give 0 to 1, or 0% to 100%.')
    return number


class FloorPlanForm(forms.ModelForm):
    upload = forms.FileField(
        label="Plan",
        required=False,
        help_text="A PNG, JPEG or WebP picture or an SVG drawing of the room, at most 3 MB; a"
        f" picture of more than {floor_plans.MAX_PIXELS // 1_000_000} megapixels is scaled down."
        " Boards are placed as fractions of its width and height, so a new version of the"
        " same drawing keeps them in place.",
    )
    spot_lines = forms.CharField(
        label="Boards by coordinates",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2504,0.25,0.6\n2505,30%,60%"}),
        help_text="One board per line: board,x,y, from the plan's left and top edges as fractions"
        " or percentages. Boards already placed are moved.",
    )

    class Meta:
        model = FloorPlan
        fields = ["room"]

    scaled = ""  # what fit() did to the upload, said once it is saved

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if not self.instance.pk:
                raise ValidationError("Give the plan's picture.")
            return None
        try:
            data, self.scaled = floor_plans.fit(upload.read())
            self.instance.set_picture(data)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return upload

    def clean_spot_lines(self):
        return parse_spots(self.cleaned_data.get("spot_lines", ""))


class BoardSpotInline(admin.StackedInline):
    # Stacked, not tabular: every field keeps its label (axe finds the tabular rows unlabelled).
    model = BoardSpot
    fields = ["board", "x", "y"]
    extra = 3
    classes = ["board-spots"]


@admin.register(FloorPlan)
class FloorPlanAdmin(admin.ModelAdmin):
    form = FloorPlanForm
    inlines = [BoardSpotInline]
    list_display = ["room", "conference", "content_type", "board_count"]
    list_select_related = ["room__conference"]
    list_filter = ["room__conference"]
    search_fields = ["room__name", "room__conference__name"]
    autocomplete_fields = ["room"]

    class Media:
        js = ["js/place_boards.js"]
        css = {"all": ["css/place_boards.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).defer("picture").annotate(board_count=Count("spots"))

    @admin.display(ordering="room__conference")
    def conference(self, plan):
        return plan.room.conference

    @admin.display(description="boards placed", ordering="board_count")
    def board_count(self, plan):
        return plan.board_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.scaled:
            self.message_user(request, form.scaled, messages.INFO)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for board, x, y in form.cleaned_data.get("spot_lines") or []:
            BoardSpot.objects.update_or_create(
                plan=form.instance, board=board, defaults={"x": x, "y": y}
            )
