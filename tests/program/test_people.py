"""People per conference: the real shapes that a global, name-keyed person broke (issue 9).

Two conferences in one database never share or overwrite a person; two co-authors may share a
printed name; the same human at two conferences is linked only by an explicit external id; an
organizer merges two records of one person, never two people who share a name.
"""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from program import services
from program.models import Authorship, Person, Poster
from tests.factories import ConferenceFactory, PersonFactory, SessionFactory, make_poster

pytestmark = pytest.mark.django_db

API = "/api/v1"


def page(client, path: str) -> str:
    """A page's HTML without its CSRF tokens (new for each response)."""
    html = client.get(path).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def other_conference_fixture(tmp_path) -> str:
    """A second conference whose program prints a "Ling Liu" with no bio, as a real load did."""
    records = [
        {
            "model": "program.conference",
            "fields": {
                "slug": "nlp2026",
                "name": "NLP 2026",
                "timezone": "UTC",
                "start_date": "2026-07-01",
                "end_date": "2026-07-02",
                "is_published": True,
            },
        },
        {
            "model": "program.person",
            "fields": {"conference": ["nlp2026"], "name": "Ling Liu", "slug": "ling-liu"},
        },
        {
            "model": "program.session",
            "fields": {
                "uid": "00000000-0000-0000-0000-00000000a001",
                "conference": ["nlp2026"],
                "kind": "poster_session",
                "title": "Posters",
                "day": "2026-07-01",
            },
        },
        {
            "model": "program.contribution",
            "fields": {
                "uid": "00000000-0000-0000-0000-00000000c001",
                "conference": ["nlp2026"],
                "title": "Another Ling Liu's paper",
            },
        },
        {
            "model": "program.poster",
            "fields": {
                "uid": "00000000-0000-0000-0000-00000000b001",
                "session": ["00000000-0000-0000-0000-00000000a001"],
                "contribution": ["00000000-0000-0000-0000-00000000c001"],
            },
        },
        {
            "model": "program.authorship",
            "fields": {
                "contribution": ["00000000-0000-0000-0000-00000000c001"],
                "person": ["nlp2026", "ling-liu"],
                "position": 1,
            },
        },
    ]
    path = tmp_path / "nlp2026.json"
    path.write_text(json.dumps(records))
    return str(path)


def test_loading_a_second_conference_changes_nothing_of_the_first(seed, client, tmp_path):
    mlsys_ling = Person.objects.get(conference=seed, slug="ling-liu")
    before = {
        (p.conference.slug, p.slug, p.name, p.bio, p.affiliation)
        for p in Person.objects.select_related("conference")
    }
    mlsys_page = page(client, "/mlsys2025/people/ling-liu/")

    call_command("load_program", other_conference_fixture(tmp_path), verbosity=0)

    after = {
        (p.conference.slug, p.slug, p.name, p.bio, p.affiliation)
        for p in Person.objects.select_related("conference")
    }
    assert after - before == {("nlp2026", "ling-liu", "Ling Liu", "", "")}
    mlsys_ling.refresh_from_db()
    assert mlsys_ling.bio.startswith("Ling Liu is a Professor")
    assert page(client, "/mlsys2025/people/ling-liu/") == mlsys_page
    other_page = client.get("/nlp2026/people/ling-liu/").content.decode()
    assert "Another Ling Liu&#x27;s paper" in other_page or "Another Ling Liu's paper" in other_page
    assert "Responsible" not in other_page  # the MLSys talk is not this person's
    assert "Professor" not in other_page
    # Loading it again is idempotent: the natural key carries the conference.
    call_command("load_program", other_conference_fixture(tmp_path), verbosity=0)
    assert Person.objects.filter(slug="ling-liu").count() == 2


def test_same_name_co_authors_are_two_people_and_stay_so_on_update(organizer_client, seed):
    session = seed.sessions.get(title__startswith="Session 12")
    names = ["Zhiyuan Liu", "Ana Klimovic", "Zhiyuan Liu"]
    response = organizer_client.post(
        f"{API}/posters/",
        {"title": "Two Zhiyuan Lius", "session_id": session.pk, "author_names": names},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    authors = response.json()["authors"]
    assert [a["name"] for a in authors] == names
    assert authors[0]["id"] != authors[2]["id"]
    assert [authors[0]["slug"], authors[2]["slug"]] == ["zhiyuan-liu", "zhiyuan-liu-2"]
    assert authors[1]["slug"] == "ana-klimovic"  # the seed's own record, not a copy

    # Writing the same list again keeps the same two people, in the same places.
    poster = Poster.objects.get(contribution__title="Two Zhiyuan Lius")
    response = organizer_client.patch(
        f"{API}/posters/{poster.pk}/", {"author_names": names}, content_type="application/json"
    )
    assert [a["id"] for a in response.json()["authors"]] == [a["id"] for a in authors]
    assert Person.objects.filter(conference=seed, name="Zhiyuan Liu").count() == 2

    # The same person twice is still refused by the database.
    first = Person.objects.get(pk=authors[0]["id"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(contribution=poster.contribution, person=first, position=9)


def test_names_never_reach_another_conferences_people(seed):
    other = ConferenceFactory(slug="other")
    poster = make_poster(SessionFactory(conference=other), authors=[])
    services.set_people(poster.contribution, ["Ana Klimovic"])
    (author,) = poster.ordered_people
    assert author.person.conference == other
    assert Person.objects.filter(name="Ana Klimovic").count() == 2


def test_a_person_of_another_conference_cannot_be_an_author(seed):
    other_ana = PersonFactory(conference=ConferenceFactory(slug="other"), name="Ana Klimovic")
    poster = seed.sessions.get(title__startswith="Session 9").posters.first()
    link = Authorship(contribution=poster.contribution, person=other_ana, position=99)
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "is a person of" in error.value.message_dict["person"][0]


def test_the_same_person_at_two_conferences_is_linked_by_external_id_only(seed, client):
    other = ConferenceFactory(slug="mlsys2026", name="MLSys 2026")
    session = SessionFactory(conference=other)
    orcid = "0000-0002-1825-0097"
    linked = PersonFactory(conference=other, name="Ana Klimovic", external_id=orcid)
    make_poster(session, authors=[linked], title="Ana's 2026 poster")
    namesake = PersonFactory(conference=other, name="Ling Liu")  # same name, no id: not linked
    make_poster(session, authors=[namesake], title="Another Ling Liu")
    Person.objects.filter(conference=seed, slug="ana-klimovic").update(external_id=orcid)

    page = client.get("/mlsys2025/people/ana-klimovic/").content.decode()
    assert "At other conferences" in page
    assert f'href="/mlsys2026/people/{linked.slug}/"' in page
    ling = client.get("/mlsys2025/people/ling-liu/").content.decode()
    assert "At other conferences" not in ling and "/mlsys2026/" not in ling

    listed = client.get(f"{API}/people/", {"external_id": orcid}).json()["results"]
    assert sorted(p["conference"] for p in listed) == ["mlsys2025", "mlsys2026"]
    # A draft conference's record is not shown to visitors.
    other.is_published = False
    other.save()
    assert (
        "At other conferences" not in client.get("/mlsys2025/people/ana-klimovic/").content.decode()
    )
    assert client.get(f"{API}/people/", {"external_id": orcid}).json()["count"] == 1


def test_a_person_stays_in_their_conference_through_the_api(organizer_client, seed):
    ana = Person.objects.get(conference=seed, slug="ana-klimovic")
    ConferenceFactory(slug="other")
    response = organizer_client.patch(
        f"{API}/people/{ana.pk}/", {"conference": "other"}, content_type="application/json"
    )
    assert response.status_code == 400 and "conference" in response.json()
    created = organizer_client.post(
        f"{API}/people/",
        {"conference": "other", "name": "Ana Klimovic"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["slug"] == "ana-klimovic"  # free in that conference
    missing = organizer_client.post(
        f"{API}/people/", {"name": "Nobody"}, content_type="application/json"
    )
    assert missing.status_code == 400 and "conference" in missing.json()


def merge(organizer_client, people):
    return organizer_client.post(
        "/admin/program/person/",
        {"action": "merge", "_selected_action": [p.pk for p in people]},
        follow=True,
    )


def test_organizers_merge_two_records_of_one_person(organizer_client, seed):
    ana = Person.objects.get(conference=seed, slug="ana-klimovic")
    session = seed.sessions.get(title__startswith="Session 12")
    twin = PersonFactory(
        conference=seed, name="Ana Klimovic", slug="ana-klimovic-2", affiliation="ETH Zürich"
    )
    poster = make_poster(session, authors=["Someone", twin], title="Entered twice")
    ana_posters = set(Poster.objects.with_person(ana).values_list("pk", flat=True))

    response = merge(organizer_client, [twin, ana])
    assert "Merged 1 record(s) into Ana Klimovic." in response.content.decode()
    assert not Person.objects.filter(pk=twin.pk).exists()
    ana.refresh_from_db()
    assert ana.affiliation == "ETH Zürich"  # a blank field filled from the merged record
    assert set(Poster.objects.with_person(ana).values_list("pk", flat=True)) == ana_posters | {
        poster.pk
    }
    assert poster.contribution.authorships.get(position=2).person == ana  # same place in the list


def test_a_merge_of_two_people_on_one_paper_or_two_conferences_is_refused(organizer_client, seed):
    session = seed.sessions.get(title__startswith="Session 12")
    poster = make_poster(session, authors=["Zhiyuan Liu", "Zhiyuan Liu"], title="Namesakes")
    first, second = (link.person for link in poster.ordered_people)
    response = merge(organizer_client, [first, second])
    assert "different people who share a name" in response.content.decode()
    assert Person.objects.filter(pk__in=[first.pk, second.pk]).count() == 2

    elsewhere = PersonFactory(conference=ConferenceFactory(slug="other"), name="Zhiyuan Liu")
    response = merge(organizer_client, [first, elsewhere])
    assert "Only people of one conference can be merged" in response.content.decode()
    assert Person.objects.filter(pk=elsewhere.pk).exists()
    assert [link.person for link in poster.ordered_people] == [first, second]


def split(organizer_client, people):
    return organizer_client.post(
        "/admin/program/person/",
        {"action": "split", "_selected_action": [p.pk for p in people]},
        follow=True,
    )


def test_organizers_split_a_record_that_stands_for_two_people_then_merge_back(
    organizer_client, seed
):
    # Ana Klimovic is on two posters in the seed; say they were two different Anas.
    ana = Person.objects.get(conference=seed, slug="ana-klimovic")
    ana.external_id = "0000-0002-1825-0097"
    ana.save()
    first, second = Poster.objects.filter(contribution__authorships__person=ana).order_by(
        "contribution__authorships__pk"
    )
    position_on_second = second.contribution.authorships.get(person=ana).position
    response = split(organizer_client, [ana])
    assert "Split Ana Klimovic into 2 records" in response.content.decode()
    ana.refresh_from_db()
    (other,) = Person.objects.filter(conference=seed, name="Ana Klimovic").exclude(pk=ana.pk)
    assert other.slug == "ana-klimovic-2"
    assert other.external_id == ""  # the id names one human: it stays with the original
    assert list(Poster.objects.with_person(ana)) == [first]
    assert list(Poster.objects.with_person(other)) == [second]
    # The same position on the second poster, now held by the new record.
    assert second.contribution.authorships.get(person=other).position == position_on_second
    assert "nothing to split" in split(organizer_client, [other]).content.decode()

    merge(organizer_client, [ana, other])
    assert set(Poster.objects.with_person(ana)) == {first, second}
    assert not Person.objects.filter(pk=other.pk).exists()
