"""Bad input to the registrator's pages: the case and document forms with their file checks,
linking cases, the case list's filters and the search box (tests/bad_input.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Document, DocumentRequest
from cases.services import add_document
from tests.bad_input import (
    CASE_NEW,
    DOC_NEW,
    FILE_MISMATCH,
    FILE_TYPE,
    INVALID_CHOICE,
    INVALID_DATE,
    LINK,
    MEGABYTE,
    PDF,
    PNG,
    REQUIRED,
    SECRECY,
    Post,
    case_form,
    check_post,
    document_form,
)

pytestmark = pytest.mark.django_db


def _handling(w):
    """A handling of the world's case, made (once) inside the test's savepoint."""
    found = Document.objects.filter(case=w.case, description="Skrivelse om taxan").first()
    return found or add_document(
        case=w.case, date=dt.date(2026, 2, 1), direction="incoming",
        description="Skrivelse om taxan",
    )  # fmt: skip


def _document_request(w):
    _handling(w)
    found = DocumentRequest.objects.filter(case=w.case).first()
    return found or DocumentRequest.objects.create(
        case=w.case, received_on=dt.date(2026, 3, 1), description="Skrivelsen"
    )


POSTS = [
    # The registrator's case form (rules 20, 22, 24).
    Post("case-title-empty", "registrator", CASE_NEW, case_form(title=""), REQUIRED, ("Ola",)),
    Post("case-title-spaces", "registrator", CASE_NEW, case_form(title="   "), REQUIRED, ("Ola",)),
    Post(
        "case-title-501",
        "registrator",
        CASE_NEW,
        case_form(title="x" * 501),
        "har som mest 500 tecken",
        ("x" * 501,),
    ),
    Post(
        "case-title-1mb",
        "registrator",
        CASE_NEW,
        case_form(title=MEGABYTE),
        "har som mest 500 tecken",
        ("Ola",),
    ),
    Post(
        "case-title-nul",
        "registrator",
        CASE_NEW,
        case_form(title="Skrivelse\x00om skolskjuts"),
        "Null-tecken är inte tillåtna",
        ("Ola",),
    ),
    # A browser's urlencoded form with 1 MB of 'Å' (6 MB encoded) is over
    # DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses it before the view reads the form, so the
    # answer is the Swedish 400 page (insjoriket/errors.py); the typed text is not kept.
    Post(
        "case-title-1mb-urlencoded",
        "registrator",
        CASE_NEW,
        case_form(title=MEGABYTE),
        "Texten är för lång för att skickas",
        method="urlencoded",
    ),
    Post("case-register-missing", "registrator", CASE_NEW, case_form(register=None), REQUIRED),
    Post(
        "case-register-unknown",
        "registrator",
        CASE_NEW,
        case_form(register=987654),
        INVALID_CHOICE,
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-register-not-a-number",
        "registrator",
        CASE_NEW,
        case_form(register="KS'; drop table"),
        INVALID_CHOICE,
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-register-huge-number",
        "registrator",
        CASE_NEW,
        case_form(register="99999999999999999999999"),
        INVALID_CHOICE,
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-classification-unknown",
        "registrator",
        CASE_NEW,
        case_form(classification=123456),
        INVALID_CHOICE,
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-officer-201",
        "registrator",
        CASE_NEW,
        case_form(officer="O" * 201),
        "har som mest 200 tecken",
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-secret-without-ground",
        "registrator",
        CASE_NEW,
        case_form(is_secret="on", secrecy_marked_by="Socialnämnden"),
        SECRECY,
        ("Skrivelse om skolskjuts", "Socialnämnden"),
    ),
    Post(
        "case-secrecy-date-impossible",
        "registrator",
        CASE_NEW,
        case_form(
            is_secret="on",
            secrecy_ground="OSL 26 kap. 1 §",
            secrecy_marked_on="2023-02-30",
            secrecy_marked_by="Socialnämnden",
        ),
        INVALID_DATE,
        ("OSL 26 kap. 1 §", "2023-02-30"),
    ),
    Post(
        "case-secrecy-date-words",
        "registrator",
        CASE_NEW,
        case_form(
            is_secret="on",
            secrecy_ground="OSL 26 kap. 1 §",
            secrecy_marked_on="igår",
            secrecy_marked_by="Socialnämnden",
        ),
        INVALID_DATE,
        ("igår",),
    ),
    # The document form with its file checks (rules 20, 25).
    Post("doc-date-missing", "registrator", DOC_NEW, document_form(date=""), REQUIRED),
    Post(
        "doc-date-impossible",
        "registrator",
        DOC_NEW,
        document_form(date="2026-02-29"),
        INVALID_DATE,
        ("2026-02-29", "Föreningen Åsen", "Skrivelse om vägbelysning"),
    ),
    Post(
        "doc-date-month-13",
        "registrator",
        DOC_NEW,
        document_form(date="2026-13-01"),
        INVALID_DATE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-direction-unknown",
        "registrator",
        DOC_NEW,
        document_form(direction="sidled"),
        INVALID_CHOICE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-description-empty",
        "registrator",
        DOC_NEW,
        document_form(description=""),
        REQUIRED,
        ("Föreningen Åsen",),
    ),
    Post(
        "doc-file-exe",
        "registrator",
        DOC_NEW,
        document_form(file=("program.exe", b"MZ\x90\x00" + b"\x00" * 60)),
        FILE_TYPE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-html-as-pdf",
        "registrator",
        DOC_NEW,
        document_form(file=("skrivelse.pdf", b"<html><script>alert(1)</script></html>")),
        FILE_TYPE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-png-named-pdf",
        "registrator",
        DOC_NEW,
        document_form(file=("skrivelse.pdf", PNG)),
        FILE_MISMATCH,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-without-extension",
        "registrator",
        DOC_NEW,
        document_form(file=("skrivelse", PDF)),
        FILE_TYPE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-zip-named-docx",
        "registrator",
        DOC_NEW,
        document_form(file=("brev.docx", b"PK\x03\x04" + b"\x00" * 40)),
        FILE_TYPE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-too-large",
        "registrator",
        DOC_NEW,
        document_form(file=("stor.pdf", PDF[:-6] + b" " * (20 * 1024 * 1024) + b"%%EOF\n")),
        "Filen är för stor. Största tillåtna storlek är 20 MB.",
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-truncated-pdf",
        "registrator",
        DOC_NEW,
        document_form(file=("skrivelse.pdf", PDF[: len(PDF) // 2])),
        "Filen är ingen fullständig PDF",
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-in-closed-case",
        "registrator",
        lambda w: f"/arenden/{w.closed_case.pk}/handlingar/ny/",
        document_form(),
        "Handlingar kan inte registreras i ett avslutat ärende.",
        ("Skrivelse om vägbelysning",),
    ),
    # Linking cases.
    Post(
        "link-unknown-number",
        "registrator",
        LINK,
        lambda w: {"number": "2099KS99999", "note": "Samma ärende"},
        "Det finns inget ärende med det diarienumret.",
        ("2099KS99999", "Samma ärende"),
    ),
    Post(
        "link-to-itself",
        "registrator",
        LINK,
        lambda w: {"number": w.case.number, "note": "Samma"},
        "Ett ärende kan inte kopplas till sig självt.",
        ("Samma",),
    ),
    Post(
        "link-same-register",
        "registrator",
        LINK,
        lambda w: {"number": w.closed_case.number, "note": "Samma"},
        "Kopplingen gäller samma ärende i ett annat diarium.",
    ),
    # The case list's filters and the search box (GET: a 200 with an error or no hits).
    Post(
        "list-year-not-a-number",
        None,
        lambda w: "/arenden/?year=tjugotjugo",
        lambda w: {},
        "Fyll i ett heltal.",
        ("tjugotjugo",),
        status=200,
        method="get",
    ),
    Post(
        "list-register-huge-number",
        None,
        lambda w: "/arenden/?register=99999999999999999999999",
        lambda w: {},
        INVALID_CHOICE,
        status=200,
        method="get",
    ),
    Post(
        "list-page-not-a-number",
        None,
        lambda w: "/arenden/?sida=sista'",
        lambda w: {},
        "Alla",
        status=200,
        method="get",
    ),
    Post(
        "search-10000-characters",
        None,
        lambda w: "/arenden/sok/?q=" + "belysning " * 1000,
        lambda w: {},
        "träffar",
        status=200,
        method="get",
    ),
    Post(
        "search-tsquery-operators",
        None,
        lambda w: "/arenden/sok/?q=%21%26%7C%28%29%3A%2A%27%5C",
        lambda w: {},
        "0 träffar",
        status=200,
        method="get",
    ),
    Post(
        "search-nul-byte",
        None,
        lambda w: "/arenden/sok/?q=utträde%00insjöriket",
        lambda w: {},
        "träff",
        status=200,
        method="get",
    ),
    Post(
        "search-huge-serial",
        None,
        lambda w: "/arenden/sok/?q=2023.99999999999999999999%20KS",
        lambda w: {},
        "0 träffar",
        status=200,
        method="get",
    ),
    Post(
        "search-sql-quote",
        None,
        lambda w: "/arenden/sok/?q=%27%3B%20DROP%20TABLE%20cases_case%3B--",
        lambda w: {},
        "0 träffar",
        status=200,
        method="get",
    ),
    # Closing and reopening answer on the case page (a redirect with the message).
    Post(
        "close-date-impossible",
        "registrator",
        lambda w: f"/arenden/{w.case.pk}/avsluta/",
        lambda w: {"closed_on": "2026-13-45"},
        "Ange ett giltigt datum.",
        status=200,
        follow=True,
    ),
    Post(
        "reopen-a-case-that-is-open",
        "registrator",
        lambda w: f"/arenden/{w.case.pk}/ateruppta/",
        lambda w: {},
        "Ärendet är inte avslutat.",
        status=200,
        follow=True,
    ),
    # Begäran om allmän handling (rule 42) and a later sekretessmarkering (rule 22).
    Post(
        "request-date-impossible",
        "registrator",
        lambda w: f"/arenden/{w.case.pk}/begaran/ny/",
        lambda w: {"received_on": "2026-02-30", "description": "Protokollen från 2025"},
        INVALID_DATE,
        ("Protokollen från 2025",),
    ),
    Post(
        "request-refusal-without-ground",
        "registrator",
        lambda w: f"/arenden/begaran/{_document_request(w).pk}/",
        lambda w: {
            "document": _handling(w).pk,
            "outcome": "refused",
            "ground": "",
            "decided_on": "2026-03-02",
        },  # fmt: skip
        "Ange lagrummet",
        ("2026-03-02",),
    ),
    Post(
        "secrecy-marking-incomplete",
        "registrator",
        lambda w: f"/arenden/handlingar/{_handling(w).pk}/sekretess/",
        lambda w: {
            "is_secret": "on",
            "secrecy_ground": "OSL 25 kap. 1 §",
            "reason": "Hälsouppgifter",
        },  # fmt: skip
        SECRECY,
        ("OSL 25 kap. 1 §", "Hälsouppgifter"),
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in POSTS])
def test_bad_input_to_a_registrators_page(case: Post, world, media_root):
    check_post(case, world, media_root)
