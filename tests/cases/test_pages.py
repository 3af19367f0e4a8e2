"""The registrator's pages: register, handlingar with files, list, close/reopen, link, history,
secrecy on every page, and the same query count for 1 and 20 rows."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.forms import FILE_CONTENT_MISMATCH, FILE_TOO_LARGE, FILE_TYPE_NOT_ALLOWED
from cases.models import SECRECY_INCOMPLETE, Case, Document
from cases.services import add_document, link_cases, register_case
from tests import factories
from tests.factories import make_decision, make_meeting, make_organisation, make_register

pytestmark = pytest.mark.django_db

# A complete (tiny) PDF: the upload check reads its end, startxref → xref and %%EOF.
PDF = (
    b"%PDF-1.4\n1 0 obj<<>>endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n"
    b"trailer<</Size 2>>\nstartxref\n27\n%%EOF\n"
)
SECRET = {**factories.SECRET, "public_title": "Ansökan om bistånd"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def register():
    return make_register(code="KS", number_format="{year}.{seq:03d} {code}")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_registrator_registers_a_case_and_sees_its_number(registrator_client, register):
    response = registrator_client.post(
        reverse("cases:case-create"),
        {"register": register.pk, "title": "Medborgarförslag om cykelbana", "officer": "Anna"},
        follow=True,
    )

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:case-detail", args=[case.pk])
    year = dt.date.today().year
    assert case.number == f"{year}.001 KS"
    assert f"Ärendet är registrerat med diarienummer {year}.001 KS" in response.content.decode()


def test_a_case_without_title_is_refused_in_swedish_and_keeps_what_was_typed(
    registrator_client, register
):
    response = registrator_client.post(
        reverse("cases:case-create"),
        {"register": register.pk, "title": "", "officer": "Handläggare Hansson"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Detta fält måste fyllas i." in html
    assert "Handläggare Hansson" in html
    assert not Case.objects.exists()


def test_an_incomplete_secrecy_marking_is_refused(registrator_client, register):
    response = registrator_client.post(
        reverse("cases:case-create"),
        {"register": register.pk, "title": "Hemligt", "is_secret": "on", "secrecy_ground": "OSL"},
    )

    assert response.status_code == 400
    assert str(SECRECY_INCOMPLETE) in response.content.decode()
    assert not Case.objects.exists()


def test_visitors_are_sent_to_login_and_members_without_the_role_get_403(
    client, make_user, register
):
    url = reverse("cases:case-create")

    assert client.get(url).status_code == 302
    client.force_login(make_user("förtroendevald"))
    assert client.get(url).status_code == 403


def test_a_handling_with_a_pdf_is_numbered_and_its_file_served_to_staff(
    registrator_client, register, media_root
):
    case = register_case(register=register, title="Bygglov", year=2024)
    upload = SimpleUploadedFile("skrivelse.pdf", PDF, content_type="application/pdf")

    response = registrator_client.post(
        reverse("cases:document-create", args=[case.pk]),
        {
            "date": "2024-02-01",
            "direction": "incoming",
            "counterpart": "Sökande AB",
            "description": "Ansökan om bygglov",
            "file": upload,
        },
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.number == "2024.001 KS:1"
    assert (media_root / document.file.name).exists()
    served = registrator_client.get(reverse("cases:document-file", args=[document.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF
    assert served["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", FILE_TYPE_NOT_ALLOWED),
        ("falsk.pdf", b"MZ\x90\x00 not a pdf", FILE_TYPE_NOT_ALLOWED),
        ("bild.pdf", b"\x89PNG\r\n\x1a\n0000", FILE_CONTENT_MISMATCH),
    ],
)
def test_a_file_whose_content_is_not_an_allowed_type_is_refused(
    registrator_client, register, name, content, message
):
    case = register_case(register=register, title="A", year=2024)

    response = registrator_client.post(
        reverse("cases:document-create", args=[case.pk]),
        {
            "date": "2024-02-01",
            "direction": "incoming",
            "description": "Bilaga",
            "file": SimpleUploadedFile(name, content),
        },
    )

    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert "Bilaga" in response.content.decode()
    assert not Document.objects.exists()


def test_a_file_over_20_mb_is_refused(registrator_client, register):
    case = register_case(register=register, title="A", year=2024)
    big = SimpleUploadedFile("stor.pdf", PDF + b"0" * (20 * 1024 * 1024))

    response = registrator_client.post(
        reverse("cases:document-create", args=[case.pk]),
        {"date": "2024-02-01", "direction": "incoming", "description": "Stor", "file": big},
    )

    assert response.status_code == 400
    assert str(FILE_TOO_LARGE) in response.content.decode()


def test_secret_files_are_refused_to_members_and_files_to_visitors(
    client, elected_client, register
):
    case = register_case(register=register, title="A", year=2024)
    public = add_document(
        case=case,
        date=dt.date(2024, 2, 1),
        direction="incoming",
        description="Öppen",
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    secret = add_document(
        case=case,
        date=dt.date(2024, 2, 1),
        direction="incoming",
        description="Hemlig",
        file=SimpleUploadedFile("b.pdf", PDF),
        **SECRET,
    )

    assert elected_client.get(reverse("cases:document-file", args=[public.pk])).status_code == 200
    assert elected_client.get(reverse("cases:document-file", args=[secret.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("cases:document-file", args=[public.pk])).status_code == 302


def test_a_secret_case_shows_only_number_date_and_public_title_to_visitors(
    client, registrator_client, register
):
    case = register_case(
        register=register, title="Orosanmälan gällande barn", officer="Bo", year=2024, **SECRET
    )
    add_document(
        case=case,
        date=dt.date(2024, 2, 1),
        direction="incoming",
        counterpart="Skolan i Bergby",
        description="Anmälan om oro",
    )

    detail = registrator_client.get(reverse("cases:case-detail", args=[case.pk])).content
    assert "Orosanmälan" in detail.decode()
    client.logout()
    for url in (reverse("cases:case-list"), reverse("cases:case-detail", args=[case.pk])):
        html = client.get(url).content.decode()
        assert "2024.001 KS" in html and "Ansökan om bistånd" in html
        assert "Orosanmälan" not in html
        assert "Skolan i Bergby" not in html and "Anmälan om oro" not in html


def test_the_case_list_filters_by_register_year_status_and_officer(client, register):
    other = make_register(code="SN", number_format="{code} {year}/{seq}")
    register_case(register=register, title="Ett", officer="Anna", year=2023)
    register_case(register=register, title="Två", officer="Bertil", year=2024)
    register_case(register=other, title="Tre", officer="Anna", year=2024)

    response = client.get(
        reverse("cases:case-list"), {"register": register.pk, "year": 2024, "status": "open"}
    )
    html = response.content.decode()
    assert "Två" in html and "Ett" not in html and "Tre" not in html
    html = client.get(reverse("cases:case-list"), {"officer": "anna"}).content.decode()
    assert "Ett" in html and "Tre" in html and "Två" not in html


def test_the_filter_choices_are_cached_and_a_new_or_renamed_diarium_shows_at_once(client, register):
    """The case list's choices come from the cache after the first request (fewer queries),
    and saving a diarium clears it: the next list names the new one."""
    url = reverse("cases:case-list")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    assert [q for q in first.captured_queries if 'FROM "cases_register"' in q["sql"]]
    assert not [q for q in cached.captured_queries if '"cases_register"' in q["sql"]]
    other = make_register(code="SN", number_format="{code} {year}/{seq}")
    html = client.get(url).content.decode()
    assert f'<option value="{other.pk}">' in html
    other.name = "Socialnämndens nya diarium"
    other.save()
    assert "Socialnämndens nya diarium" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert not [q for q in again.captured_queries if '"cases_register"' in q["sql"]]


def test_a_bad_filter_value_gives_the_list_not_an_error(client, register):
    response = client.get(reverse("cases:case-list"), {"year": "tjugo", "register": "x"})

    assert response.status_code == 200


def test_closing_and_reopening_through_the_page(registrator_client, register):
    case = register_case(register=register, title="A", opened_on=dt.date(2024, 1, 5))
    close = reverse("cases:case-close", args=[case.pk])

    registrator_client.post(close, {"closed_on": "2024-03-01"})
    assert Case.objects.get().status == "closed"
    response = registrator_client.post(close, {"closed_on": "2024-03-02"}, follow=True)
    assert "Ärendet är redan avslutat." in response.content.decode()
    registrator_client.post(reverse("cases:case-reopen", args=[case.pk]))
    assert Case.objects.get().status == "open"


def test_linking_a_case_by_the_number_in_another_register(registrator_client, register):
    vfn = make_register(
        organisation=register.organisation, code="VFN", number_format="{year}{code}{seq}"
    )
    ks_case = register_case(register=register, title="Budget", year=2022)
    vfn_case = register_case(register=vfn, title="Budget VFN", year=2022)

    response = registrator_client.post(
        reverse("cases:case-link", args=[ks_case.pk]), {"number": "2022 vfn 1"}, follow=True
    )

    assert vfn_case.number in response.content.decode()
    assert ks_case.links_out.get().to_case == vfn_case
    bad = registrator_client.post(
        reverse("cases:case-link", args=[ks_case.pk]), {"number": "1999XX9"}
    )
    assert bad.status_code == 400
    assert "Det finns inget ärende med det diarienumret." in bad.content.decode()


def test_the_case_page_shows_who_changed_what_and_when(registrator_client, registrator, register):
    case = register_case(register=register, title="A", opened_on=dt.date(2024, 1, 5))
    registrator_client.post(reverse("cases:case-close", args=[case.pk]), {"closed_on": ""})

    html = registrator_client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()

    assert "Avslutat" in html and "Registrerat" in html
    assert registrator.username in html
    assert "pågående → avslutat" in html


def _fill_case(case, n: int) -> None:
    organisation = case.register.organisation
    meeting = make_meeting(organ=make_decision().organ, held_on=dt.date(2024, 2, 1), year=2024)
    for i in range(n):
        add_document(case=case, date=dt.date(2024, 2, 1), direction="incoming", description="D")
        make_decision(meeting=meeting, case=case, title=f"Beslut {i}")
        other = register_case(
            register=make_register(
                organisation=organisation, code=f"R{i}", number_format="{code}{seq}"
            ),
            title="Annat",
            year=2024,
        )
        link_cases(from_case=case, to_case=other)


@pytest.mark.parametrize("page", ["list", "detail", "search"])
def test_every_page_needs_the_same_number_of_queries_for_1_and_20_rows(registrator_client, page):
    counts = []
    for n in (1, 20):
        register = make_register(
            organisation=make_organisation(), code=f"KS{n}", number_format="{year}{code}{seq}"
        )
        for _ in range(n):
            case = register_case(register=register, title="Cykelbana vid skolan", year=2024)
        _fill_case(case, n)
        url = {
            "list": reverse("cases:case-list") + f"?register={register.pk}",
            "detail": reverse("cases:case-detail", args=[case.pk]),
            "search": reverse("cases:search") + "?q=cykelbana",
        }[page]
        counts.append(count_queries(registrator_client, url))

    assert counts[0] == counts[1]


def test_the_history_of_a_once_secret_case_shows_visitors_no_values(client, register):
    case = register_case(register=register, title="Orosanmälan gällande barn", year=2024, **SECRET)
    case.title = "Orosanmälan gällande barnet Kalle"
    case._change_reason = "Ändrad ärendemening"
    case.save()

    html = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()

    assert "Ändrad ärendemening" in html
    assert "Kalle" not in html and "Orosanmälan" not in html


def test_the_search_page_marks_hits_and_hides_secret_cases_from_visitors(client, register):
    register_case(register=register, title="Cykelbana vid skolan", year=2024)
    register_case(register=register, title="Cykelolycka med elev", year=2024, **SECRET)

    html = client.get(reverse("cases:search"), {"q": "cykel"}).content.decode()

    assert "<mark>Cykelbana</mark>" in html
    assert "Cykelolycka" not in html


def test_two_registers_with_the_same_name_are_told_apart_by_organisation(registrator_client):
    """Härryda and Alingsås both keep a "Kommunstyrelsens diarium (KS)": the choice names the
    organisation, on the new-case form and in the list filter, at no extra query per register."""
    for town in ("Härryda kommun", "Alingsås kommun"):
        make_register(
            organisation=make_organisation(name=town),
            code="KS",
            name="Kommunstyrelsens diarium",
            number_format="{year}{code}{seq}",
        )
    for url in (reverse("cases:case-create"), reverse("cases:case-list")):
        html = registrator_client.get(url).content.decode()
        assert "Härryda kommun: Kommunstyrelsens diarium (KS)" in html
        assert "Alingsås kommun: Kommunstyrelsens diarium (KS)" in html

    counts = [count_queries(registrator_client, reverse("cases:case-create"))]
    for i in range(20):
        make_register(code=f"X{i}", number_format="{code}{seq}")
    counts.append(count_queries(registrator_client, reverse("cases:case-create")))
    assert counts[0] == counts[1]


def test_visitors_see_an_omedelbart_justerad_paragraph_of_an_unjusterad_meeting(client, register):
    """Rule 7: a § justerad omedelbart is justerad, though the rest of the protocol is not —
    visitors see it on the case page and find it by word, as on its decision page; the other
    §§ of the same unjusterad meeting stay hidden."""
    case = register_case(register=register, title="Brandstation i Bergby", year=2024)
    meeting = make_meeting(held_on=dt.date(2024, 5, 14))
    make_decision(
        meeting=meeting, case=case, title="Brådskande anbud brandstation", approved_immediately=True
    )
    make_decision(meeting=meeting, case=case, title="Ojusterad fråga om brandstation")

    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    found = client.get(reverse("cases:search"), {"q": "brandstation"}).content.decode()

    assert "Brådskande anbud brandstation" in page
    assert "Ojusterad fråga" not in page
    assert "Brådskande anbud" in found
    assert "Ojusterad fråga" not in found
