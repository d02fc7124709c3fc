"""Session blocks on day pages are rendered once per change of that session: each kind of edit
re-renders the blocks that show it and no other (program/views/fragments.py, Session.changed_at)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from program.changes import conference_changed
from program.models import Authorship, Conference, Contribution, Person, Poster, Room, Session
from program.views.common import page_context
from program.views.fragments import fill_blocks

pytestmark = pytest.mark.django_db

DAY = "2025-05-15"


def render_day(conference, user=None) -> tuple[int, dict[int, str]]:
    """Fill the blocks of the seed day as its page does; how many were rendered, and each."""
    request = RequestFactory().get(f"/{conference.slug}/{DAY}/")
    request.user = user or AnonymousUser()
    request.session = {}
    request.conference = Conference.objects.get(pk=conference.pk)
    sessions = list(Session.objects.for_day(conference, DAY).in_program_order().for_blocks())
    context = page_context(request, hide_abstracts=False)
    rendered = fill_blocks(request, sessions, context)
    return rendered, {session.pk: str(session.block) for session in sessions}


def poster_session_posters(seed):
    return Poster.objects.filter(session__conference=seed).select_related("session", "contribution")


def test_a_second_visit_renders_nothing_and_blocks_read_as_before(seed):
    count, first = render_day(seed)
    assert count == Session.objects.for_day(seed, DAY).count() == len(first)
    again, second = render_day(seed)
    assert again == 0 and second == first


def edit_title(seed):
    poster = poster_session_posters(seed).first()
    poster.contribution.title = "A Retitled Paper"
    poster.contribution.save()
    return {poster.session_id}, "A Retitled Paper"


def move_poster(seed):
    poster = poster_session_posters(seed).first()
    other = Session.objects.filter(conference=seed, kind=poster.session.kind).exclude(
        pk=poster.session_id
    )[0]
    old = poster.session_id
    poster = Poster.objects.get(pk=poster.pk)
    poster.session = other
    poster.save()
    return {old, other.pk}, poster.contribution.title


def rename_person(seed):
    person = Person.objects.filter(authorships__contribution__posters__isnull=False).first()
    sessions = set(
        Poster.objects.filter(contribution__authorships__person=person).values_list(
            "session", flat=True
        )
    )
    person.name = "Ada Renamed"
    person.save()
    return sessions, "Ada Renamed"


def rename_room(seed):
    room = Room.objects.filter(conference=seed, sessions__isnull=False).first()
    room.name = "The Renamed Hall"
    room.save()
    return set(Session.objects.for_day(seed, DAY).values_list("pk", flat=True)), "Renamed Hall"


def move_session(seed):
    session = Session.objects.for_day(seed, DAY).filter(posters__isnull=False).first()
    session.room = None  # its posters' boards no longer link to the room's floor plan
    session.save()
    return {session.pk}, None


def delete_poster(seed):
    poster = poster_session_posters(seed).first()
    poster.delete()
    return {poster.session_id}, None


def import_touch(seed):
    conference_changed(Conference.objects.get(pk=seed.pk))  # what an import does after bulk writes
    return set(Session.objects.for_day(seed, DAY).values_list("pk", flat=True)), None


def author_order(seed):
    contribution = Contribution.objects.filter(posters__isnull=False, authorships__position=2)[0]
    first, second = contribution.authorships.order_by("position")[:2]
    Authorship.objects.filter(pk=first.pk).update(position=99)
    Authorship.objects.filter(pk=second.pk).update(position=1)
    Authorship.objects.filter(pk=first.pk).update(position=2)
    contribution.save()  # the admin and the API save the paper with its authors
    return set(contribution.posters.values_list("session", flat=True)), None


@pytest.mark.parametrize(
    "edit",
    [
        edit_title,
        move_poster,
        rename_person,
        rename_room,
        move_session,
        delete_poster,
        import_touch,
        author_order,
    ],
)
def test_an_edit_re_renders_the_blocks_that_show_it_and_only_those(seed, edit):
    _, before = render_day(seed)
    expected, text = edit(seed)
    rendered, after = render_day(seed)
    assert rendered == len(expected & set(after))
    assert {pk for pk in after if after[pk] != before[pk]} <= expected
    if text:
        assert any(text in after[pk] for pk in expected)


def test_a_retitled_session_renders_its_heading_only(seed):
    """Its title, kind, times and description are in the heading, kept by what it shows: the
    program (hundreds of posters on a busy day) is reused."""
    _, before = render_day(seed)
    session = Session.objects.for_day(seed, DAY).filter(posters__isnull=False).first()
    session.title = "A Retitled Session"
    session.description = "Now with a description."
    session.save()
    rendered, after = render_day(seed)
    assert rendered == 0
    assert {pk for pk in after if after[pk] != before[pk]} == {session.pk}
    assert "A Retitled Session" in after[session.pk]
    assert "Now with a description." in after[session.pk]
    # The posters are still listed, unchanged, after the new heading.
    assert after[session.pk].split("</div>", 1)[1].endswith(before[session.pk][-2000:])


def test_a_session_saved_after_its_program_changed_keeps_the_new_program(seed):
    """A session read before its posters changed, then retitled and saved (a form left open
    during an import): the save leaves ``changed_at`` as the change set it, so the day shows
    the changed posters, not the block kept before them."""
    session = Session.objects.for_day(seed, DAY).filter(posters__isnull=False).first()
    render_day(seed)
    poster = session.posters.select_related("contribution").first()
    poster.contribution.title = "Renamed While The Form Was Open"
    poster.contribution.save()  # moves the session's changed_at
    moved = Session.objects.get(pk=session.pk).changed_at
    assert moved != session.changed_at
    _, between = render_day(seed)
    assert "Renamed While The Form Was Open" in between[session.pk]

    session.title = "Retitled From The Open Form"
    session.save()
    assert Session.objects.get(pk=session.pk).changed_at == moved
    rendered, after = render_day(seed)
    assert rendered == 0  # the program kept under the new version is still the one shown
    assert "Retitled From The Open Form" in after[session.pk]
    assert "Renamed While The Form Was Open" in after[session.pk]


def test_signed_in_visitors_get_their_own_stars_and_share_the_other_blocks(seed, attendee):
    """A signed-in visitor's blocks come from the kept ones except where they saved something:
    those are rendered for them and never kept for anyone else."""
    from accounts.services import save_to_agenda

    _, anonymous = render_day(seed)
    poster = poster_session_posters(seed).first()
    save_to_agenda(user=attendee, item=poster)
    rendered, blocks = render_day(seed, user=attendee)
    assert rendered == 1
    assert f"Remove {poster.title} from agenda" in blocks[poster.session_id]
    assert {pk for pk in blocks if blocks[pk] != anonymous[pk]} == {poster.session_id}
    again, _ = render_day(seed, user=attendee)
    assert again == 1  # theirs is rendered for them each time
    rendered, after = render_day(seed)
    assert rendered == 0 and after == anonymous
    assert "from agenda" not in after[poster.session_id]


def test_a_session_read_in_part_saves_what_was_read(seed):
    session = Session.objects.for_day(seed, DAY).filter(posters__isnull=False).first()
    before = Session.objects.filter(pk=session.pk).values().get()
    partial = Session.objects.only("title").get(pk=session.pk)
    partial.title = "Retitled From A Partial Read"
    partial.save()
    after = Session.objects.filter(pk=session.pk).values().get()
    # What was not read is written back as it is: the block's version stays (its heading is
    # cached by the title), and nothing else moves.
    assert after == {**before, "title": "Retitled From A Partial Read"}
