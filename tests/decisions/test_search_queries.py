"""The search's query plan in numbers: a found diarienummer is not also searched as words, a
word search is one query, and only the shown hits get snippets (docs/benchmarks.md)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from cases.services import add_document, import_case, register_case
from decisions.search import MAX_HITS, search
from tests.factories import make_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def ks():
    return make_register(code="KS", number_format="{code} {year}/{seq}")


def test_a_found_diarienummer_skips_the_word_search(ks, django_assert_num_queries):
    import_case(register=ks, year=2022, serial=554, title="Ärende 2022 om ks 554")

    with django_assert_num_queries(1):
        hits = search("KS 2022/554", user=AnonymousUser())

    assert [hit.number for hit in hits] == ["KS 2022/554"]


def test_a_number_that_is_not_found_is_searched_as_words(ks, django_assert_num_queries):
    register_case(register=ks, title="Budget 2031", year=2024)

    with django_assert_num_queries(2):
        hits = search("budget 2031", user=AnonymousUser())

    assert [hit.title for hit in hits] == ["Budget 2031"]


def test_many_matches_give_at_most_max_hits_best_first_with_snippets(ks):
    case = register_case(register=ks, title="Bygglov bygglov bygglov", year=2024)
    for n in range(MAX_HITS + 5):
        add_document(
            case=case, date=dt.date(2024, 1, 1), direction="incoming", description=f"Bygglov {n}"
        )

    hits = search("bygglov", user=AnonymousUser())

    assert len(hits) == MAX_HITS
    assert hits[0].title == "Bygglov bygglov bygglov"
    assert [hit.rank for hit in hits] == sorted((hit.rank for hit in hits), reverse=True)
    assert all("<mark>Bygglov</mark>" in hit.snippet for hit in hits)


def test_a_broad_word_ranks_only_the_newest_candidates_and_says_so(ks, monkeypatch, client):
    """A word in more than RANK_CANDIDATES rows of a kind: the best of the newest are shown, and
    the page and the API say that the ranking was limited (docs/benchmarks.md, broad search)."""
    monkeypatch.setattr("decisions.search.RANK_CANDIDATES", 3)
    oldest = register_case(register=ks, title="Detaljplan detaljplan detaljplan", year=2024)
    newer = [register_case(register=ks, title=f"Detaljplan {n}", year=2024) for n in range(4)]

    hits = search("detaljplan", user=AnonymousUser())

    # The oldest case would rank first (three occurrences) but is not among the 3 newest.
    assert [hit.title for hit in hits] == [case.title for case in reversed(newer[1:])]
    assert oldest.title not in [hit.title for hit in hits]
    assert hits.capped is True
    page = client.get("/arenden/sok/", {"q": "detaljplan"})
    assert "bland de 3 senast registrerade" in page.content.decode()
    assert client.get("/api/v1/search/", {"q": "detaljplan"}).json()["ranked_newest_only"] is True


def test_a_narrow_word_ranks_all_its_hits(ks, client):
    best = register_case(register=ks, title="Skolskjuts skolskjuts", year=2024)
    register_case(register=ks, title="Skolskjuts", year=2024)

    hits = search("skolskjuts", user=AnonymousUser())

    assert hits[0].title == best.title
    assert hits.capped is False
    assert (
        "senast registrerade"
        not in client.get("/arenden/sok/", {"q": "skolskjuts"}).content.decode()
    )
    assert client.get("/api/v1/search/", {"q": "skolskjuts"}).json()["ranked_newest_only"] is False
