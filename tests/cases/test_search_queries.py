"""The search's query plan in numbers: a found diarienummer is not also searched as words, a
word search is one query, and only the shown hits get snippets (docs/benchmarks.md)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from cases.search import MAX_HITS, search
from cases.services import add_document, import_case, register_case
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
