"""Full-text search (program/search/fulltext.py, migration 0015): what matches, in which order, and
that the search documents follow every write. Runs the same on SQLite (FTS5) and PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection

from program import services
from program.models import Authorship, Contribution, Person, Poster, Session, Talk
from program.search import highlight, terms
from program.search.fulltext import fts5_query, in_rank_order, words
from tests.factories import (
    ConferenceFactory,
    ContributionFactory,
    PersonFactory,
    SessionFactory,
    make_poster,
    make_talk,
)

pytestmark = pytest.mark.django_db


def titles(queryset) -> list[str]:
    return [item.title for item in in_rank_order(queryset)]


def found(query: str, model=Contribution) -> list[str]:
    return titles(model.objects.search(query))


@pytest.fixture
def namesakes(db):
    """Ling Liu's invited talk among posters by Xin Liu and others whose text holds "ling"."""
    posters = SessionFactory(title="Session 11: Federated Learning", position=1)
    conference = posters.conference
    xin = PersonFactory(name="Xin Liu", conference=conference)
    make_poster(
        posters,
        authors=[xin, "Ana Klimovic"],
        title="Scheduling Lingering Jobs",
        abstract="Ling-style schedulers for clusters.",
        position=1,
    )
    make_poster(
        posters, authors=[xin], title="Federated Liu Graphs", abstract="On linguistics.", position=2
    )
    invited = SessionFactory(conference=conference, title="Invited Talk", position=2)
    ling = PersonFactory(name="Ling Liu", conference=conference)
    make_talk(invited, speakers=[ling], title="Responsible Finetuning of LLMs", position=1)
    return {"conference": conference, "ling": ling, "xin": xin, "posters": posters}


def test_a_persons_full_name_ranks_their_own_items_first(namesakes):
    assert found("ling liu")[0] == "Responsible Finetuning of LLMs"
    assert found("Ling Liu", Talk) == ["Responsible Finetuning of LLMs"]
    people = in_rank_order(Person.objects.search("ling liu"))
    assert [person.name for person in people] == ["Ling Liu"]


def test_every_word_must_start_a_word_somewhere_in_the_item(namesakes):
    # "ling" starts "Lingering" and "Ling-style"; "liu" is Xin Liu: both posters match, after
    # the talk whose speaker's name holds both words.
    ranked = found("ling liu")
    assert ranked[0] == "Responsible Finetuning of LLMs"
    assert set(ranked[1:]) == {"Scheduling Lingering Jobs", "Federated Liu Graphs"}
    # Inside a word is not a match: "duling" is in "Scheduling", "iu" in "Liu".
    assert found("duling") == []
    assert found("iu") == []
    assert found("ling klimovic") == ["Scheduling Lingering Jobs"]


def test_a_word_prefix_matches_longer_words_and_parts_of_hyphenated_words(db):
    for title in ("GraphSAGE at Scale", "Graph-based Routing", "Paragraphs", "Large graphs"):
        ContributionFactory(title=title)
    assert sorted(found("graph")) == ["Graph-based Routing", "GraphSAGE at Scale", "Large graphs"]
    assert found("based routing") == ["Graph-based Routing"]


def test_case_and_accents_do_not_matter_either_way(db):
    make_poster(authors=["Maximilian Böther"], title="Subset Selection")
    make_poster(authors=["Zoë Müller"], title="XGrammar")
    assert found("bother") == ["Subset Selection"]
    assert found("BÖTHER") == ["Subset Selection"]
    assert found("zoe mull") == ["XGrammar"]
    assert found("xgrammar") == found("XGRAMMAR") == ["XGrammar"]


def test_a_word_of_one_letter_matches_whole_words_only(db):
    ContributionFactory(title="Part I: Inference")
    ContributionFactory(title="Interpretability in Practice", abstract="It is important.")
    assert found("i") == ["Part I: Inference"]
    assert sorted(found("in")) == ["Interpretability in Practice", "Part I: Inference"]


def test_title_and_people_rank_before_abstract_keywords_and_session(db):
    session = SessionFactory(title="Caching Session")
    make_poster(session, title="Hardware Trends", abstract="We study caching.", position=1)
    make_poster(session, title="Caching at Scale", position=2)
    make_poster(session, title="Other Work", keywords=["caching"], position=3)
    make_poster(session, authors=["Caching Person"], title="Compilers", position=4)
    ranked = found("caching", Poster)
    assert set(ranked[:2]) == {"Caching at Scale", "Compilers"}
    assert set(ranked[2:]) == {"Hardware Trends", "Other Work"}


def test_equal_matches_keep_program_order(db):
    first = SessionFactory(title="Morning", position=1)
    second = SessionFactory(conference=first.conference, title="Afternoon", position=2)
    make_poster(second, title="Routing B", position=1)
    make_poster(first, title="Routing A", position=2)
    posters = Poster.objects.in_program_order().search("routing")
    assert titles(posters) == ["Routing A", "Routing B"]


def test_keywords_and_session_titles_are_searched(db):
    session = SessionFactory(title="Federated Learning")
    make_poster(session, title="Plain", keywords=["Differential privacy"])
    assert found("federated") == ["Plain"]
    assert found("privacy") == ["Plain"]
    assert [s.title for s in Session.objects.search("federa")] == ["Federated Learning"]


@pytest.mark.parametrize(
    "query",
    [
        '"a" OR b*',
        "foo:",
        "'",
        '"',
        "a & b | !c",
        "NEAR(a b)",
        "title:foo",
        "-foo +bar",
        "^start",
        "(unbalanced",
        "a:* & b",
        "\\",
        "%_%",
        "ʼnʼ ½ ﬁ ẞ",
        "\x00",
        "😀 🤖",
        "x" * 200,
        " ".join(["word"] * 50),
    ],
)
def test_operators_and_quotes_in_a_query_are_plain_text_and_never_an_error(program, query):
    for model in (Contribution, Poster, Talk, Session, Person):
        list(in_rank_order(model.objects.search(query)))


def test_operators_are_separators_between_words(db):
    ContributionFactory(title="Alpha Beta")
    assert words('"a" OR b*') == ["a", "OR", "b"]
    assert fts5_query('"alp" OR* bet:') == '"alp"* "OR"* "bet"*'
    assert found('"alpha" bet*') == ["Alpha Beta"]
    assert found("alpha:* | gamma") == []


# Keeping the documents in sync


def test_an_edited_title_abstract_or_keyword_is_found_at_once(db):
    paper = ContributionFactory(title="Old Title")
    paper.title, paper.abstract, paper.keywords = "Fresh Title", "Quantum stuff", ["zebra"]
    paper.save()
    assert found("fresh quantum zebra") == ["Fresh Title"]
    assert found("old") == []
    Contribution.objects.filter(pk=paper.pk).update(title="Updated Queryset")
    assert found("updated") == ["Updated Queryset"]


def test_a_renamed_person_is_found_on_their_papers_under_the_new_name(db):
    poster = make_poster(authors=["Ada Lovelace"], title="Engines")
    person = poster.contribution.authorships.get().person
    person.name = "Augusta King"
    person.save()
    assert found("augusta") == ["Engines"]
    assert found("lovelace") == []
    assert [p.name for p in Person.objects.search("king")] == ["Augusta King"]
    Person.objects.filter(pk=person.pk).update(name="Countess Byron")
    assert found("byron", Poster) == ["Engines"]


def test_changed_authors_are_found_through_every_write_path(db):
    paper = ContributionFactory(title="Shared Paper")
    services.set_people(paper, ["Grace Hopper", "Alan Turing"])
    assert found("hopper turing") == ["Shared Paper"]
    services.set_people(paper, ["Alan Turing"])
    assert found("hopper") == []
    authorship = paper.authorships.get()
    authorship.person = PersonFactory(name="Edsger Dijkstra", conference=paper.conference)
    authorship.save()
    assert found("dijkstra") == ["Shared Paper"]
    assert found("turing") == []


def test_bulk_created_papers_people_and_posters_are_found(db):
    session = SessionFactory(title="Evening Session")
    conference = session.conference
    papers = Contribution.objects.bulk_create(
        ContributionFactory.build(conference=conference, title=f"Bulk Paper {n}") for n in range(3)
    )
    people = Person.objects.bulk_create(
        PersonFactory.build(conference=conference, name=f"Cathy Writer{n}", slug=f"cathy-{n}")
        for n in range(3)
    )
    Authorship.objects.bulk_create(
        Authorship(contribution=paper, person=person, position=1)
        for paper, person in zip(papers, people, strict=True)
    )
    Poster.objects.bulk_create(
        Poster(session=session, contribution=paper, position=n) for n, paper in enumerate(papers)
    )
    assert found("cathy writer1") == ["Bulk Paper 1"]
    assert len(found("evening session", Poster)) == 3
    for paper in papers:
        paper.title = paper.title.replace("Bulk", "Batch")
    Contribution.objects.bulk_update(papers, ["title"])
    assert len(found("batch paper")) == 3
    assert found("bulk paper") == []


def test_a_renamed_session_is_found_on_its_posters_and_a_moved_poster_leaves_it(db):
    session = SessionFactory(title="Morning")
    poster = make_poster(session, title="Moving Poster")
    session.title = "Systems Track"
    session.save()
    assert found("systems", Poster) == ["Moving Poster"]
    poster.session = SessionFactory(conference=session.conference, title="Evening")
    poster.save()
    assert found("systems") == []
    assert found("evening") == ["Moving Poster"]


def test_deleted_items_leave_the_search(db):
    poster = make_poster(authors=["Gone Person"], title="Vanishing Paper")
    person = poster.contribution.authorships.get().person
    poster.contribution.delete()
    assert found("vanishing") == []
    person.delete()
    assert list(Person.objects.search("gone")) == []
    session = SessionFactory(title="Deleted Session")
    session.delete()
    assert list(Session.objects.search("deleted")) == []


def test_the_seed_fixture_is_searchable_after_loaddata(seed):
    assert found("bother")[0].startswith("On Distributed Larger-Than-Memory Subset Selection")
    assert found("Ling Liu")[0] == "Responsible Finetuning of Large Language Models"


def test_the_migration_fills_documents_for_rows_that_exist_and_rebuilds_them(db):
    import importlib

    migration = importlib.import_module("program.migrations.0015_full_text_search")
    ContributionFactory(title="Before The Index")

    class Editor:  # what the migration's functions use of a schema editor
        def __init__(self, cursor):
            self.connection, self.execute = connection, cursor.execute

    with connection.cursor() as cursor:
        migration.uninstall(None, Editor(cursor))
        assert found_nothing_without_index()
        migration.install(None, Editor(cursor))
    assert found("before index") == ["Before The Index"]


def found_nothing_without_index() -> bool:
    with connection.cursor() as cursor:
        return "program_contributionsearch" not in connection.introspection.table_names(
            cursor, include_views=True
        )


def test_flushing_the_database_empties_the_search(transactional_db):
    ContributionFactory(title="Flushed Paper")
    call_command("flush", interactive=False, verbosity=0)
    ContributionFactory(title="New Paper")
    assert found("paper") == ["New Paper"]


@pytest.mark.parametrize(
    "text, query, marked",
    [
        ("GraphSAGE on a paragraph", "graph", "<mark>Graph</mark>SAGE on a paragraph"),
        (
            "Graph-based KV-cache",
            "kv-cache graph",
            "<mark>Graph</mark>-based <mark>KV</mark>-<mark>cache</mark>",
        ),
        ("Part I in it", "i", "Part <mark>I</mark> in it"),
        (
            "Ling Liu, Lingering",
            "lin liu ling",
            "<mark>Ling</mark> <mark>Liu</mark>, <mark>Ling</mark>ering",
        ),
        ("Maximilian Böther <b>", "bother", "Maximilian <mark>Böther</mark> &lt;b&gt;"),
        ("Straße & Strasse", "strasse", "<mark>Straße</mark> &amp; <mark>Strasse</mark>"),
        ("<mark>", "<mark>", "&lt;<mark>mark</mark>&gt;"),
    ],
)
def test_highlight_marks_the_word_starts_a_search_matched(text, query, marked):
    assert highlight(text, terms(query)) == marked


def test_a_results_people_are_marked_escaped_and_linked_to_their_pages(db):
    from program.templatetags.program_tags import marked_people

    conference = ConferenceFactory(slug="conf")
    talk = make_talk(SessionFactory(conference=conference), speakers=["Ling <b>Liu</b>", "Xin Liu"])
    Contribution.attach_names([talk])
    people = talk.names
    slugs = [person.slug for person in people]
    assert marked_people(people, terms("liu")) == (
        "Ling &lt;b&gt;<mark>Liu</mark>&lt;/b&gt; · Xin <mark>Liu</mark>"
    )
    assert marked_people(people, [], conference) == (
        f'<a href="/conf/people/{slugs[0]}/">Ling &lt;b&gt;Liu&lt;/b&gt;</a> · '
        f'<a href="/conf/people/{slugs[1]}/">Xin Liu</a>'
    )
    assert marked_people([], terms("liu"), conference) == ""
