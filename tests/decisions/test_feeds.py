"""The Atom feeds of the public's register (issue 16, item 2): the postlista, the anslagstavla
(all organs and one) and the justerade protocols validate as Atom against RFC 4287's RELAX NG
schema (tests/data/atom.rng, in XML syntax, no network), feedparser reads them without a
complaint, a repeated conditional GET answers 304, and a secret handling's description never
appears in them (rule 21)."""

import datetime as dt
from pathlib import Path

import feedparser
import pytest
from django.urls import reverse
from lxml import etree

from decisions.models import Meeting
from tests.factories import SECRET, make_case, make_document

pytestmark = pytest.mark.django_db

SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent.parent / "data" / "atom.rng")))


def _feeds():
    organ_id = Meeting.objects.filter(posted_on__isnull=False).values_list("organ_id", flat=True)
    urls = [
        reverse("cases:post-list-feed"),
        reverse("public:anslagstavla-feed"),
        reverse("public:protocols-feed"),
    ]
    if organ_id:
        urls.append(reverse("public:anslagstavla-organ-feed", args=[organ_id[0]]))
    return urls


def test_every_feed_is_valid_atom_and_feedparser_reads_it(seeds, client):
    make_document(case=make_case(title="Skolskjuts"), description="Ansökan om skolskjuts",
                  date=dt.date(2024, 1, 12))  # fmt: skip
    for url in _feeds():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/atom+xml"), url
        document = etree.fromstring(response.content)
        assert SCHEMA.validate(document), (url, SCHEMA.error_log)
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
        assert parsed.feed.title


def test_the_schema_rejects_a_feed_that_is_not_atom():
    bad = etree.fromstring(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Utan id och updated</title></feed>'
    )
    assert not SCHEMA.validate(bad)


def test_a_repeated_conditional_get_answers_304(seeds, client):
    for url in _feeds():
        first = client.get(url)
        assert first.has_header("ETag") and first.has_header("Last-Modified"), url
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304, url
        since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 304, url


def test_a_secret_handling_is_masked_in_the_postlista_feed(client, registrator):
    case = make_case(title="Ansökan om bistånd", **SECRET)
    make_document(case=case, description="Utredning om familjen Berg", date=dt.date(2024, 1, 20))
    for who in (None, registrator):  # a publication: the same for everyone
        if who:
            client.force_login(who)
        body = client.get(reverse("cases:post-list-feed")).content.decode()
        assert "Berg" not in body and "bistånd" not in body
        assert case.number in body
