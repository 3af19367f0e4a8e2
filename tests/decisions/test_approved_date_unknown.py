"""Justerat, datum okänt (``Meeting.approved_date_unknown``): a protocol that was justerat
although the sources do not give the date — the published protocols of the seed documents.

It is justerat for every rule that asks whether it is (rule 9 immutability in the services and
the database, rule 10 publicity, rule 30 extracts), and every date that would be counted from
the justering (rules 2–4 and 8) is said to be unknown, never invented.
"""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from decisions import rules as date_rules
from decisions.chains import history as chain_history
from decisions.importer import ImportFailed, import_text
from decisions.meetings import services
from decisions.models import Attendance, Decision, Meeting, Participation, is_justerat_refusal
from decisions.publishing import dispatch, pdf
from tests.factories import make_case, make_decision, make_meeting, make_organ, make_person

pytestmark = pytest.mark.django_db

HELD_ON = dt.date(2024, 3, 4)


def _date_unknown_protocol():
    """A meeting with attendance and one § with a participant, then marked "justerat, datum
    okänt" — the flag is set after the contents, like a justering (rule 9)."""
    person = make_person(name="Lena Ledamot")
    meeting = make_meeting(held_on=HELD_ON)
    Attendance.objects.create(meeting=meeting, person=person, role="member")
    decision = make_decision(meeting=meeting, title="Utträde ur förbundet", case=make_case())
    Participation.objects.create(decision=decision, person=person)
    Meeting.objects.filter(pk=meeting.pk).update(approved_date_unknown=True)
    meeting.refresh_from_db()
    decision.refresh_from_db()
    return meeting, decision, person


def _raw(sql: str, meeting) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [meeting.pk])


def _refused_by_rule_9(action) -> bool:
    """Whether ``action`` is refused by rule 9's triggers (their SQLSTATE, not their words)."""
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        action()
    return is_justerat_refusal(exc_info.value)


@pytest.fixture
def seeded_kf_128(seeds):
    """Härryda KF 2020-06-15 § 128: its protocol extract is one of the seed documents."""
    return Decision.objects.select_related("meeting", "case").get(
        organ__organisation__short_name="Härryda", organ__code="KF", number=128
    )


# --- the model -------------------------------------------------------------------------------


def test_is_approved_covers_a_known_date_and_an_unknown_one():
    assert make_meeting(approved_on=dt.date(2024, 1, 30)).is_approved
    assert make_meeting(approved_date_unknown=True).is_approved
    assert not make_meeting().is_approved


def test_the_flag_and_a_justering_date_together_are_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(approved_on=dt.date(2024, 1, 30), approved_date_unknown=True)


def test_the_flag_and_a_justering_date_together_fail_validation_in_swedish():
    meeting = Meeting(
        organ=make_organ(),
        held_on=HELD_ON,
        approved_on=dt.date(2024, 3, 6),
        approved_date_unknown=True,
    )
    with pytest.raises(ValidationError) as exc_info:
        meeting.full_clean()
    assert "kan bara anges när justeringsdatum saknas" in str(exc_info.value)


# --- rule 9 in the database ------------------------------------------------------------------


def test_update_of_a_paragraph_of_a_date_unknown_protocol_is_refused():
    _meeting, decision, _person = _date_unknown_protocol()

    assert _refused_by_rule_9(lambda: Decision.objects.filter(pk=decision.pk).update(title="Annat"))
    assert Decision.objects.get(pk=decision.pk).title == "Utträde ur förbundet"


def test_delete_of_a_paragraph_of_a_date_unknown_protocol_is_refused():
    _meeting, decision, _person = _date_unknown_protocol()

    assert _refused_by_rule_9(lambda: Decision.objects.filter(pk=decision.pk).delete())
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_insert_of_a_paragraph_into_a_date_unknown_protocol_is_refused():
    meeting, _decision, _person = _date_unknown_protocol()

    assert _refused_by_rule_9(lambda: make_decision(meeting=meeting, title="Ny paragraf"))
    assert meeting.decisions.count() == 1


def test_the_parts_of_a_date_unknown_protocol_are_refused_too():
    meeting, decision, person = _date_unknown_protocol()
    other = make_person()

    assert _refused_by_rule_9(lambda: Participation.objects.create(decision=decision, person=other))
    assert _refused_by_rule_9(lambda: Participation.objects.filter(decision=decision).delete())
    assert _refused_by_rule_9(
        lambda: Attendance.objects.create(meeting=meeting, person=other, role="member")
    )
    assert _refused_by_rule_9(lambda: meeting.approvers.add(person))


def test_unsetting_the_flag_is_refused_like_undoing_a_justering():
    meeting, _decision, _person = _date_unknown_protocol()

    assert _refused_by_rule_9(
        lambda: Meeting.objects.filter(pk=meeting.pk).update(approved_date_unknown=False)
    )
    assert Meeting.objects.get(pk=meeting.pk).approved_date_unknown is True


def test_a_date_unknown_meeting_cannot_be_changed_or_deleted_but_its_forvaring_can():
    meeting, _decision, _person = _date_unknown_protocol()

    assert _refused_by_rule_9(lambda: Meeting.objects.filter(pk=meeting.pk).update(place="X"))
    assert _refused_by_rule_9(
        lambda: Meeting.objects.filter(pk=meeting.pk).update(approved_on=dt.date(2024, 3, 6))
    )
    delete = "DELETE FROM decisions_meeting WHERE id = %s"
    assert _refused_by_rule_9(lambda: _raw(delete, meeting))
    Meeting.objects.filter(pk=meeting.pk).update(minutes_kept_at="Kommunarkivet")
    assert Meeting.objects.get(pk=meeting.pk).minutes_kept_at == "Kommunarkivet"


def test_setting_the_flag_is_allowed_like_the_justering_itself():
    meeting = make_meeting(held_on=HELD_ON)
    make_decision(meeting=meeting)

    meeting.approved_date_unknown = True
    meeting.save()  # false -> true: the row was not yet justerat

    assert Meeting.objects.get(pk=meeting.pk).is_approved


def test_the_services_refuse_changes_and_offer_no_anslag():
    meeting, decision, _person = _date_unknown_protocol()

    with pytest.raises(ValidationError, match="justerad"):
        services.update_decision_texts(decision=decision, title="Annat")
    with pytest.raises(ValidationError, match="justerat"):
        services.approve_minutes(meeting=meeting, approved_on=dt.date(2024, 3, 6), approvers=[])
    with pytest.raises(ValidationError) as exc_info:
        services.post_minutes(meeting=meeting, posted_on=dt.date(2024, 3, 7))
    assert services.POSTING_APPROVAL_DATE_UNKNOWN in exc_info.value.messages


# --- the importer (seed documents) -----------------------------------------------------------


def test_the_seeded_protocols_are_justerade_with_the_date_unknown_and_cited_ones_are_not(seeds):
    flagged = {
        (m.organ.organisation.short_name, m.organ.code, m.held_on or m.date_note[:10])
        for m in Meeting.objects.filter(approved_date_unknown=True).select_related(
            "organ__organisation"
        )
    }
    assert flagged == {
        ("Härryda", "KF", dt.date(2020, 6, 15)),
        ("Härryda", "VFN", dt.date(2022, 11, 23)),
        ("Härryda", "KS", "Datum sakn"),  # KS § 440: the meeting date is not in the extract
        ("Alingsås", "KSAU", dt.date(2024, 1, 24)),
    }
    # Meetings only cited in another document (VFN 2019 § 256, KS 2020 § 242, Alingsås KF
    # 2021 § 94, SN § 56) and the KF decisions not in the sources are not justerade.
    assert not Meeting.objects.filter(approved_on__isnull=False).exists()
    cited = Decision.objects.get(organ__code="KS", number=242)
    assert not cited.is_justerad


def test_the_seed_imports_again_unchanged_with_the_flag_in_place(seeds):
    from decisions.management.commands.load_insjoriket import DATA_FILE

    again = import_text(DATA_FILE.read_text(encoding="utf-8"), source_name="insjoriket.yaml")

    assert not again.changed_anything


IMPORT_HEAD = """\
format: 1
organisations:
  - {name: Testkommun, short_name: Testby, kind: kommun}
organs:
  - {organisation: Testby, code: KF, name: Kommunfullmäktige, kind: fullmäktige}
meetings:
  - organ: Testby KF
    held_on: 2024-03-04
"""


def test_the_importer_refuses_the_flag_together_with_a_date():
    text = IMPORT_HEAD + "    approved_on: 2024-03-06\n    approved_date_unknown: true\n"

    with pytest.raises(ImportFailed) as exc_info:
        import_text(text, source_name="test.yaml")

    assert "approved_date_unknown" in str(exc_info.value)
    assert not Meeting.objects.exists()


def test_the_importer_writes_the_flag_after_the_paragraphs():
    text = IMPORT_HEAD + (
        "    approved_date_unknown: true\n"
        "    decisions:\n"
        "      - {number: 1, title: Val av justerare, kind: beslut}\n"
    )

    import_text(text, source_name="test.yaml")
    again = import_text(text, source_name="test.yaml")

    meeting = Meeting.objects.get()
    assert meeting.approved_date_unknown and meeting.approved_on is None
    assert meeting.decisions.count() == 1
    assert not again.changed_anything


# --- rule 10: anonymous visitors see the justerade §§ of public cases ---------------------------


def test_an_anonymous_visitor_sees_a_seeded_paragraph_of_a_public_case(client, seeded_kf_128):
    case_page = client.get(reverse("cases:case-detail", args=[seeded_kf_128.case_id]))
    decision_page = client.get(reverse("history:decision-detail", args=[seeded_kf_128.pk]))
    history = client.get(reverse("history:case-history", args=[seeded_kf_128.case_id]))

    assert case_page.status_code == 200
    assert "KF 2020-06-15 § 128" in case_page.content.decode()
    # KS 2020 § 242 in the same case is only cited in the seeds (by KF § 128): known from
    # that document, so taken and shown to everyone (RULES.md 45).
    assert "§ 242" in case_page.content.decode()
    assert decision_page.status_code == 200
    assert "Kommunfullmäktige uppdrar åt firmatecknare" in decision_page.content.decode()
    assert "KF 2020-06-15 § 128" in history.content.decode()


def test_an_anonymous_search_finds_a_seeded_paragraph(client, seeded_kf_128):
    response = client.get(reverse("cases:search"), {"q": "firmatecknare avsluta avtalet"})

    assert "§ 128" in response.content.decode()


# --- rules 2–4 and 8: dates counted from an unknown justering are unknown --------------------


def test_legal_dates_say_unknown_instead_of_a_made_up_date(seeded_kf_128):
    dates = chain_history.legal_dates(seeded_kf_128, on=dt.date(2026, 1, 1))

    assert dates.approved_on is None and dates.approval_date_unknown
    assert dates.held_on == dt.date(2020, 6, 15)
    assert dates.justering_deadline == dt.date(2020, 6, 29)  # rule 1: from the meeting date
    assert dates.posting_deadline is None
    assert dates.last_appeal_day is None and dates.legal_force_on is None
    assert dates.legal_force_status == date_rules.STATUS_DATES_UNKNOWN
    assert dates.enforceable is False


def test_the_decision_page_and_api_say_justerat_datum_okant(client, seeded_kf_128):
    page = client.get(reverse("history:decision-detail", args=[seeded_kf_128.pk]))
    data = client.get(f"/api/v1/decisions/{seeded_kf_128.pk}/").json()

    html = page.content.decode()
    assert "justerat, datum okänt" in html
    assert "inte känt (justeringsdatum okänt)" in html
    assert data["justerad"] is True
    assert data["approved_on"] is None and data["approved_date_unknown"] is True
    assert data["legal_force_on"] is None
    assert data["legal_force_status"] == date_rules.STATUS_DATES_UNKNOWN
    assert data["extract_url"]


def test_an_omedelbart_justerad_paragraph_keeps_its_known_date():
    """Rule 7: an OJ § is justerat on the meeting day even when its protocol's date is not
    known."""
    meeting = make_meeting(held_on=HELD_ON)
    decision = make_decision(meeting=meeting, approved_immediately=True)
    Meeting.objects.filter(pk=meeting.pk).update(approved_date_unknown=True)
    decision = Decision.objects.select_related("meeting").get(pk=decision.pk)

    dates = chain_history.legal_dates(decision, on=dt.date(2024, 3, 5))

    assert dates.approved_on == HELD_ON and not dates.approval_date_unknown
    assert dates.enforceable


# --- rule 30: the extract and the protocol ---------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_extract_says_justerat_datum_okant_and_not_ojusterat(seeded_kf_128):
    text = _pdf_text(
        pdf.render_extract_pdf(
            decision=seeded_kf_128, certified_by="Karin Sekreterare", issued_on=dt.date(2026, 1, 2)
        )
    )

    assert "Justerat (datum okänt)" in text
    assert "Ojusterat" not in text and "OJUSTERAT" not in text
    assert "Utdragsbestyrkande" in text


def test_the_protocol_says_justerat_datum_okant_and_not_ojusterat(seeded_kf_128):
    text = _pdf_text(pdf.render_protocol_pdf(meeting=seeded_kf_128.meeting))

    assert "Justerat (datum okänt)" in text
    assert "Ojusterat" not in text and "OJUSTERAT" not in text


def test_an_anonymous_visitor_gets_the_extract_of_a_seeded_paragraph(client, seeded_kf_128):
    response = client.get(reverse("decisions:extract-pdf", args=[seeded_kf_128.pk]))

    assert response.status_code == 200
    assert "Justerat (datum okänt)" in _pdf_text(response.content)
    page = client.get(reverse("history:decision-detail", args=[seeded_kf_128.pk])).content.decode()
    assert reverse("decisions:extract-pdf", args=[seeded_kf_128.pk]) in page
    assert "Logga in för att hämta" not in page


# --- the secretary's pages -------------------------------------------------------------------


def test_a_secretary_post_to_a_seeded_paragraph_is_refused_with_409(admin_client, seeded_kf_128):
    response = admin_client.post(
        reverse("secretary:decision-texts", args=[seeded_kf_128.pk]),
        {"title": "Ändrad rubrik", "decision_text": "Annat."},
    )

    assert response.status_code == 409
    assert services.DECISION_IS_APPROVED in response.content.decode()
    assert Decision.objects.get(pk=seeded_kf_128.pk).title == seeded_kf_128.title


def test_the_meeting_page_offers_no_justering_and_no_anslag(admin_client, seeded_kf_128):
    url = reverse("secretary:meeting-detail", args=[seeded_kf_128.meeting_id])
    html = admin_client.get(url).content.decode()

    assert "justerat, datum okänt" in html
    assert reverse("secretary:meeting-approve", args=[seeded_kf_128.meeting_id]) not in html
    assert reverse("secretary:meeting-post", args=[seeded_kf_128.meeting_id]) not in html
    assert reverse("secretary:decision-add", args=[seeded_kf_128.meeting_id]) not in html


def test_a_justering_post_to_a_date_unknown_meeting_is_refused(admin_client, seeded_kf_128):
    meeting_id = seeded_kf_128.meeting_id
    response = admin_client.post(
        reverse("secretary:meeting-approve", args=[meeting_id]),
        {"approved_on": "2026-01-02", "place": "Rådhuset"},
        follow=True,
    )

    assert response.status_code == 200
    assert "justerat" in response.content.decode()
    meeting = Meeting.objects.get(pk=meeting_id)
    assert meeting.approved_on is None and meeting.approved_date_unknown


# --- dispatch (rule 31) ----------------------------------------------------------------------


def test_a_date_unknown_paragraph_is_dispatched_but_not_before_the_meeting():
    _meeting, decision, _person = _date_unknown_protocol()

    with pytest.raises(ValidationError) as exc_info:
        dispatch.dispatch_decision(
            decision=decision, recipients=["Förbundet"], sent_on=dt.date(2024, 3, 1)
        )
    assert "sammanträdesdatumet 2024-03-04" in str(exc_info.value)

    sent = dispatch.dispatch_decision(
        decision=decision, recipients=["Förbundet"], sent_on=dt.date(2024, 3, 8)
    )
    assert len(sent) == 1


# --- the admin -------------------------------------------------------------------------------


def test_the_admin_shows_the_flag_read_only_and_cannot_unset_it(admin_client):
    meeting, _decision, _person = _date_unknown_protocol()
    url = reverse("admin:decisions_meeting_change", args=[meeting.pk])

    page = admin_client.get(url)
    form = page.context["adminform"].form
    response = admin_client.post(
        url,
        {
            "approved_date_unknown": "",
            "minutes_kept_at": "Kommunarkivet",
            "posted_on": "",
            "removed_on": "",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        },
    )

    assert page.status_code == 200
    assert "justerat, datum okänt" in page.content.decode().lower()
    assert set(form.fields) == {"posted_on", "removed_on", "minutes_kept_at"}  # read-only
    assert response.status_code in (200, 302)
    meeting.refresh_from_db()
    assert meeting.approved_date_unknown is True


def test_the_admin_refuses_an_anslag_on_a_date_unknown_meeting_in_swedish(admin_client):
    meeting, _decision, _person = _date_unknown_protocol()
    url = reverse("admin:decisions_meeting_change", args=[meeting.pk])

    response = admin_client.post(
        url,
        {
            "minutes_kept_at": "",
            "posted_on": "2024-03-07",
            "removed_on": "",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert services.POSTING_APPROVAL_DATE_UNKNOWN in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).posted_on is None


def _posted_back(response) -> dict:
    """The admin change page in ``response`` as the browser posts it back, unchanged."""
    forms = [response.context["adminform"].form]
    data: dict = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not False and (value or value == 0):
                data[form.add_prefix(name)] = value
    return data


def test_the_admin_writes_a_paragraph_and_then_the_flag_on_one_page(admin_client):
    """Rule 9: the § is written before the protocol is marked justerat, so the database
    accepts both from one save of the meeting page."""
    meeting = make_meeting(held_on=HELD_ON)
    url = reverse("admin:decisions_meeting_change", args=[meeting.pk])
    data = _posted_back(admin_client.get(url)) | {
        "approved_date_unknown": "on",
        "decisions-TOTAL_FORMS": 1,
        "decisions-0-title": "Val av justerare",
        "decisions-0-kind": "decision",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.approved_date_unknown and meeting.is_approved
    assert [d.title for d in meeting.decisions.all()] == ["Val av justerare"]


def test_the_admin_refuses_the_flag_together_with_a_date_in_swedish(admin_client):
    meeting = make_meeting(held_on=HELD_ON)
    url = reverse("admin:decisions_meeting_change", args=[meeting.pk])
    data = _posted_back(admin_client.get(url)) | {
        "approved_date_unknown": "on",
        "approved_on": "2024-03-06",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "inte båda" in str(errors), errors
    meeting.refresh_from_db()
    assert not meeting.is_approved
