"""The back office: every registered admin renders, and its changelist costs the same number of
queries for 1 row as for 20 (STYLE.md, "Queries and speed")."""

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import (
    ApiToken,
    Case,
    CaseLink,
    Classification,
    ClassificationScheme,
    DisclosureDecision,
    Document,
    DocumentRequest,
    Register,
    RegisterCounter,
)
from decisions.meetings.services import NUMBER_OUT_OF_SERIES, NUMBER_TAKEN
from decisions.models import (
    Appeal,
    Approval,
    Attendance,
    Ballot,
    Correction,
    Decision,
    DecisionLink,
    DecisionTask,
    ExtractIssue,
    JusteringRound,
    JusteringSnapshot,
    Meeting,
    Motion,
    Participation,
    PostingCorrection,
    ProtocolBatch,
    ProtocolOriginal,
    Recusal,
    Reservation,
    SealedCorrection,
    StoredExtract,
    TaskReport,
    Vote,
)
from members.models import (
    Assignment,
    Contribution,
    Membership,
    MembershipEvent,
    Organ,
    Organisation,
    Person,
)
from tests.factories import (
    make_case,
    make_decision,
    make_document,
    make_meeting,
    make_organ,
    make_organisation,
    make_person,
    make_register,
)

pytestmark = pytest.mark.django_db

_n = itertools.count(1)

# One builder per registered model. Each call makes one row with related rows of its own, so
# that a changelist that reads a relation per row makes more queries for 20 rows than for 1.


def _federation() -> Organisation:
    return make_organisation(kind="federation")


def _membership() -> Membership:
    return Membership.objects.create(federation=_federation(), member=make_organisation())


def _scheme() -> ClassificationScheme:
    return ClassificationScheme.objects.create(name=f"Klassificeringsplan {next(_n)}")


def _classification() -> Classification:
    return Classification.objects.create(scheme=_scheme(), code=str(next(_n)), title="Klass")


def _vote() -> Vote:
    return Vote.objects.create(
        decision=make_decision(), question="Bifall?", yes_count=1, no_count=0, abstain_count=0
    )


def _stored_extract() -> StoredExtract:
    return StoredExtract.objects.create(
        decision=make_decision(),
        certified_by="Nämndsekreteraren",
        issued_on=dt.date(2024, 3, 1),
        content_key=f"{next(_n):064x}",
        pdf=b"%PDF-1.7",
    )


def _task() -> DecisionTask:
    return DecisionTask.objects.create(
        decision=make_decision(), what="Utred skolskjutsen.", responsible_unit="Kansliet"
    )


def _posting_correction() -> PostingCorrection:
    meeting = make_meeting(
        held_on=dt.date(2024, 1, 24),
        approved_on=dt.date(2024, 1, 26),
        posted_on=dt.date(2024, 1, 27),
    )
    return PostingCorrection.objects.create(
        meeting=meeting,
        old_posted_on=meeting.posted_on,
        new_posted_on=dt.date(2024, 1, 29),
        reason="Fel datum angavs.",
    )


def _justerat_meeting():
    meeting = make_meeting(held_on=dt.date(2024, 1, 24))
    Meeting.objects.filter(pk=meeting.pk).update(approved_on=dt.date(2024, 1, 26))
    return meeting


def _snapshot() -> JusteringSnapshot:
    return JusteringSnapshot.objects.create(meeting=_justerat_meeting(), data={"version": 1})


def _request() -> DocumentRequest:
    return DocumentRequest.objects.create(
        case=make_case(), received_on=dt.date(2024, 3, 1), description="Handlingarna"
    )


def _justering_round() -> JusteringRound:
    return JusteringRound.objects.create(meeting=make_meeting(), sent_at=timezone.now())


BUILDERS: dict[type[Model], Callable[[], Model]] = {
    Organisation: make_organisation,
    Organ: lambda: make_organ(parent=make_organ()),
    Person: make_person,
    Assignment: lambda: Assignment.objects.create(
        person=make_person(), organ=make_organ(), role="member", represents=make_organisation()
    ),
    Membership: _membership,
    MembershipEvent: lambda: MembershipEvent.objects.create(
        membership=_membership(),
        kind="notice",
        occurred_on=dt.date(2020, 6, 15),
        decision=make_decision(),
    ),
    Contribution: lambda: Contribution.objects.create(
        federation=_federation(),
        year=2019,
        payer=make_organisation(),
        payer_label=f"Kommun {next(_n)}",
        amount=100_000,
    ),
    ClassificationScheme: _scheme,
    Classification: _classification,
    Register: lambda: make_register(organ=make_organ()),
    RegisterCounter: lambda: RegisterCounter.objects.create(
        register=make_register(), year=2024, last_serial=3
    ),
    Case: lambda: make_case(classification=_classification()),
    CaseLink: lambda: CaseLink.objects.create(from_case=make_case(), to_case=make_case()),
    Document: make_document,
    ApiToken: lambda: ApiToken.objects.create(
        name=f"e-tjänst {next(_n)}", token_hash=f"{next(_n):064x}"
    ),
    Meeting: make_meeting,
    Attendance: lambda: Attendance.objects.create(
        meeting=make_meeting(), person=make_person(), role="member"
    ),
    Decision: lambda: make_decision(case=make_case()),
    Participation: lambda: Participation.objects.create(
        decision=make_decision(), person=make_person()
    ),
    Motion: lambda: Motion.objects.create(
        decision=make_decision(), mover=make_person(), text="Bifall till förslaget."
    ),
    Vote: _vote,
    Ballot: lambda: Ballot.objects.create(vote=_vote(), person=make_person(), choice="yes"),
    Reservation: lambda: Reservation.objects.create(decision=make_decision(), person=make_person()),
    Recusal: lambda: Recusal.objects.create(decision=make_decision(), person=make_person()),
    DecisionLink: lambda: DecisionLink.objects.create(
        source=make_decision(), target=make_decision(), kind="proposes"
    ),
    Appeal: lambda: Appeal.objects.create(
        decision=make_decision(),
        court="Förvaltningsrätten i Göteborg",
        court_case_number=f"{next(_n)}-24",
        lodged_on=dt.date(2024, 2, 20),
    ),
    Correction: lambda: Correction.objects.create(
        decision=make_decision(),
        made_by="Nämndsekreteraren",
        made_on=dt.date(2024, 3, 1),
        what="Stavfel i beslutet.",
        why="Uppenbart skrivfel.",
    ),
    StoredExtract: _stored_extract,
    PostingCorrection: _posting_correction,
    DecisionTask: _task,
    TaskReport: lambda: TaskReport.objects.create(
        task=_task(), reported_on=dt.date(2024, 3, 1), status="in_progress"
    ),
    ExtractIssue: lambda: ExtractIssue.objects.create(
        decision=make_decision(),
        stored_extract=_stored_extract(),
        issued_by=User.objects.create_user(username=f"sekreterare-{next(_n)}"),
    ),
    ProtocolBatch: lambda: ProtocolBatch.objects.create(
        organ=make_organ(),
        year=2024,
        requested_by=User.objects.create_user(username=f"sekreterare-{next(_n)}"),
        status=ProtocolBatch.Status.DONE,
        result_zip=b"PK\x05\x06" + b"\0" * 18,
        protocol_count=0,
    ),
    # The frozen original (rule 38) and the begäran (rule 42), read-only in the admin.
    JusteringSnapshot: _snapshot,
    ProtocolOriginal: lambda: ProtocolOriginal.objects.create(
        meeting=_snapshot().meeting,
        version="full",
        pdf=b"%PDF-1.7",
        sha256="0" * 64,
        sealed_by="Demosigill",
    ),  # fmt: skip
    SealedCorrection: lambda: SealedCorrection.objects.create(
        correction=Correction.objects.create(
            decision=make_decision(),
            made_by="Sekreteraren",
            made_on=dt.date(2024, 3, 1),
            what="Stavfel.",
            why="Skrivfel.",
        ),
        pdf=b"%PDF-1.7",
        sha256="1" * 64,
        sealed_by="Demosigill",
    ),  # fmt: skip
    DocumentRequest: _request,
    DisclosureDecision: lambda: DisclosureDecision.objects.create(
        request=(r := _request()),
        document=make_document(case=r.case),
        outcome="released",
        decided_on=dt.date(2024, 3, 2),
        decided_by="Registratorn",
    ),  # fmt: skip
    # Digital justering (rule 37), read-only in the admin, and django-otp's TOTP devices.
    JusteringRound: lambda: _justering_round(),
    Approval: lambda: Approval.objects.create(
        round=_justering_round(), person=make_person(), role="chair"
    ),
    TOTPDevice: lambda: TOTPDevice.objects.create(
        user=User.objects.create_user(username=f"justerare-{next(_n)}"), name="app"
    ),
    User: lambda: User.objects.create_user(username=f"anvandare-{next(_n)}"),
    Group: lambda: Group.objects.create(name=f"Grupp {next(_n)}"),
    # django-axes' lockout records (login lockout, insjoriket/settings.py).
    AccessAttempt: lambda: AccessAttempt.objects.create(
        username=f"anvandare-{next(_n)}",
        ip_address="10.0.0.1",
        user_agent="test",
        failures_since_start=5,
    ),
    AccessLog: lambda: AccessLog.objects.create(
        username=f"anvandare-{next(_n)}", ip_address="10.0.0.1", user_agent="test"
    ),
    AccessFailureLog: lambda: AccessFailureLog.objects.create(
        username=f"anvandare-{next(_n)}", ip_address="10.0.0.1", user_agent="test"
    ),
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def build(model: type[Model]) -> Model:
    assert model in BUILDERS, (
        f"tests/insjoriket/test_admin.py needs a builder for {model._meta.label}"
    )
    return BUILDERS[model]()


def admin_url(model: type[Model], view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_the_three_apps_has_an_admin():
    models = [
        model
        for app in ("members", "cases", "decisions")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    ]
    missing = [model._meta.label for model in models if model not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_makes_as_many_queries_for_20_rows_as_for_1(admin_client, model):
    build(model)
    url = admin_url(model, "changelist")
    assert admin_client.get(url).status_code == 200  # warms per-process caches

    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200
    for _ in range(19):
        build(model)
    with CaptureQueriesContext(connection) as twenty_rows:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 20
    extra = [q["sql"] for q in twenty_rows.captured_queries[len(one_row) :]]
    assert len(twenty_rows) == len(one_row), "\n\n".join(extra)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_form_renders(admin_client, rf, admin_user, model):
    request = rf.get("/")
    request.user = admin_user
    if not admin.site._registry[model].has_add_permission(request):
        pytest.skip(f"{model._meta.label} cannot be added in the admin")

    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_form_renders(admin_client, model):
    row = build(model)

    assert admin_client.get(admin_url(model, "change", row.pk)).status_code == 200


def test_registering_a_case_in_the_admin_gives_it_the_next_diarienummer(admin_client):
    """Rule 24: the number comes from the register's counter, not from the clerk."""
    register = make_register(code="KS", number_format="{year}.{seq:03d} {code}")
    url = admin_url(Case, "add")
    data = {"register": register.pk, "title": "Utträde", "opened_on": "2023-12-01"}

    for _ in range(2):
        response = admin_client.post(url, data | _empty_inlines(admin_client, url))
        assert response.status_code == 302

    assert sorted(register.cases.values_list("number", flat=True)) == [
        "2023.001 KS",
        "2023.002 KS",
    ]
    assert register.counters.get(year=2023).last_serial == 2


def test_a_cases_diarienummer_cannot_be_changed_in_the_admin(admin_client):
    case = make_case()

    form = admin_client.get(admin_url(Case, "change", case.pk)).context["adminform"].form

    assert {"number", "register", "year", "serial"}.isdisjoint(form.fields)


def test_a_handling_added_on_the_case_page_gets_the_next_serial_of_the_case(admin_client):
    """Rule 25: a handling is numbered <dnr>:<löpnummer> by the service."""
    case = make_case(number="2023.509 KS")
    make_document(case=case, serial=1)
    url = admin_url(Case, "change", case.pk)
    data = _change_form_data(admin_client.get(url)) | {
        "documents-TOTAL_FORMS": 2,
        "documents-1-date": "2023-10-24",
        "documents-1-direction": "drawn_up",
        "documents-1-description": "Tjänsteskrivelse",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert case.documents.get(description="Tjänsteskrivelse").number == "2023.509 KS:2"


def test_a_handling_added_on_its_own_page_gets_the_next_serial_of_the_case(admin_client):
    case = make_case(number="2023.509 KS")
    make_document(case=case, serial=1)

    response = admin_client.post(
        admin_url(Document, "add"),
        {"case": case.pk, "date": "2023-10-24", "direction": "incoming", "description": "Brev"},
    )

    assert response.status_code == 302
    assert case.documents.get(description="Brev").serial == 2


def test_the_close_action_closes_the_selected_cases_through_the_service(admin_client):
    open_case = make_case(opened_on=dt.date(2024, 1, 15))

    admin_client.post(
        admin_url(Case, "changelist"),
        {"action": "close_cases", "_selected_action": [open_case.pk]},
    )

    open_case.refresh_from_db()
    assert open_case.status == Case.Status.CLOSED
    assert open_case.history.latest().history_change_reason == "Avslutat"


def test_register_counters_are_read_only_in_the_admin(admin_client):
    counter = build(RegisterCounter)

    html = admin_client.get(admin_url(RegisterCounter, "change", counter.pk)).content.decode()

    assert admin_client.get(admin_url(RegisterCounter, "add")).status_code == 403
    assert 'name="last_serial"' not in html


@pytest.mark.parametrize("search", ["2023.509 KS", "2023.509", "2023-509 ks", "2023509KS"])
def test_case_changelist_finds_a_case_by_its_diarienummer(admin_client, search):
    register = make_register(code="KS", number_format="{year}.{seq:03d} {code}")
    wanted = make_case(register=register, year=2023, serial=509, title="Utträde ur förbundet")
    make_case(register=register, year=2023, serial=510, title="Annat ärende")

    response = admin_client.get(admin_url(Case, "changelist"), {"q": search})

    assert list(response.context["cl"].result_list) == [wanted]


def test_decision_changelist_shows_organ_year_paragraph_title_kind_and_case(admin_client):
    organ = make_organ(name="Kommunfullmäktige", code="KF")
    case = make_case(number="2019KS742", title="Utträde")
    make_decision(
        meeting=make_meeting(organ=organ, held_on=dt.date(2020, 6, 15)),
        number=128,
        title="Utträde ur Samordningsförbundet Insjöriket",
        case=case,
    )

    html = admin_client.get(admin_url(Decision, "changelist")).content.decode()

    for text in (
        "Kommunfullmäktige",
        "2020",
        "§ 128",
        "Utträde ur Samordningsförbundet",
        "2019KS742",
    ):
        assert text in html


def test_meeting_change_page_lists_its_paragraphs_with_links_to_them(admin_client):
    decision = make_decision(title="Val av justerare")

    html = admin_client.get(admin_url(Meeting, "change", decision.meeting.pk)).content.decode()

    assert "Val av justerare" in html
    assert admin_url(Decision, "change", decision.pk) in html


def test_a_paragraph_added_in_the_admin_gets_the_next_number_organ_year_and_participants(
    admin_client,
):
    meeting = make_meeting(held_on=dt.date(2024, 1, 24))
    make_decision(meeting=meeting, number=8)
    member = make_person()
    Attendance.objects.create(meeting=meeting, person=member, role="member")
    url = admin_url(Decision, "add")

    response = admin_client.post(
        url,
        {"meeting": meeting.pk, "kind": "proposal", "title": "Upphävande"}
        | _empty_inlines(admin_client, url),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    decision = Decision.objects.get(title="Upphävande")
    assert (decision.organ, decision.year, decision.number) == (meeting.organ, 2024, 9)
    assert list(decision.participants.all()) == [member]


def test_the_decision_admin_refuses_a_paragraph_number_the_organ_used_that_year(admin_client):
    taken = make_decision(number=9, meeting=make_meeting(held_on=dt.date(2024, 1, 24)))
    later = make_meeting(organ=taken.organ, held_on=dt.date(2024, 2, 21))
    url = admin_url(Decision, "add")

    response = admin_client.post(
        url,
        {"meeting": later.pk, "number": 9, "kind": "decision", "title": "Ny §"}
        | _empty_inlines(admin_client, url),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["number"] == [
        NUMBER_TAKEN.format(number=9, organ=taken.organ.name, year=2024)
    ]


def test_the_decision_admin_refuses_a_paragraph_number_out_of_series(admin_client):
    meeting = make_meeting(held_on=dt.date(2024, 1, 24))
    make_decision(meeting=meeting, number=8)
    url = admin_url(Decision, "add")

    response = admin_client.post(
        url,
        {"meeting": meeting.pk, "number": 11, "kind": "decision", "title": "Ny §"}
        | _empty_inlines(admin_client, url),
    )

    assert response.context["adminform"].form.errors["number"] == [
        NUMBER_OUT_OF_SERIES.format(number=11, expected=9)
    ]


def test_paragraphs_added_on_the_meeting_page_are_numbered_in_order(admin_client):
    meeting = make_meeting(held_on=dt.date(2024, 1, 24))
    url = admin_url(Meeting, "change", meeting.pk)
    data = _change_form_data(admin_client.get(url)) | {
        "decisions-TOTAL_FORMS": 2,
        "decisions-0-title": "Val av justerare",
        "decisions-0-kind": "decision",
        "decisions-1-title": "Godkännande av dagordning",
        "decisions-1-kind": "decision",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert [(d.number, d.title) for d in meeting.decisions.order_by("number")] == [
        (1, "Val av justerare"),
        (2, "Godkännande av dagordning"),
    ]


def test_a_justerad_paragraph_cannot_be_changed_in_the_admin(admin_client):
    """Rule 9: a justerad § is corrected by a rättelse, never edited."""
    decision = _justerad(make_decision(meeting=make_meeting(held_on=dt.date(2024, 1, 24))))
    url = admin_url(Decision, "change", decision.pk)

    page = admin_client.get(url)
    response = admin_client.post(url, {"title": "Ändrad"})

    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.title != "Ändrad"


def _justerad(decision: Decision) -> Decision:
    """Justera the meeting once what it records is written (the database refuses it later)."""
    Meeting.objects.filter(pk=decision.meeting_id).update(approved_on=dt.date(2024, 1, 30))
    return decision


def _justerad_decision() -> Decision:
    """A § of a meeting on 2024-01-24, justerad by the test after its parts are written."""
    return make_decision(meeting=make_meeting(held_on=dt.date(2024, 1, 24)))


def _justerad_ballot() -> Ballot:
    vote = Vote.objects.create(
        decision=_justerad_decision(), question="?", yes_count=1, no_count=0, abstain_count=0
    )
    return Ballot.objects.create(vote=vote, person=make_person(), choice="yes")


@pytest.mark.parametrize(
    "make_part",
    [
        pytest.param(
            lambda: Participation.objects.create(
                decision=_justerad_decision(), person=make_person()
            ),
            id="participation",
        ),
        pytest.param(_justerad_ballot, id="ballot"),
        pytest.param(
            lambda: Attendance.objects.create(
                meeting=_justerad_decision().meeting, person=make_person(), role="member"
            ),
            id="attendance",
        ),
    ],
)
def test_what_a_justerad_protocol_records_cannot_be_changed_on_its_own_page(
    admin_client, make_part
):
    """Rule 9, on the pages that bypass the § page."""
    part = make_part()
    Meeting.objects.filter(held_on=dt.date(2024, 1, 24)).update(approved_on=dt.date(2024, 1, 30))

    response = admin_client.post(admin_url(type(part), "change", part.pk), {})

    assert response.status_code == 403


def test_the_immediate_approval_action_approves_the_selected_paragraphs(admin_client):
    decision = make_decision(
        meeting=make_meeting(held_on=dt.date(2024, 1, 24)), decision_text="Beslutet"
    )
    Participation.objects.create(decision=decision, person=make_person())
    incomplete = make_decision(meeting=decision.meeting)  # no text: rule 11 stops it

    response = admin_client.post(
        admin_url(Decision, "changelist"),
        {"action": "approve_selected_immediately", "_selected_action": [incomplete.pk]},
        follow=True,
    )
    incomplete.refresh_from_db()
    assert not incomplete.approved_immediately
    assert "kan inte justeras" in response.content.decode()
    admin_client.post(
        admin_url(Decision, "changelist"),
        {"action": "approve_selected_immediately", "_selected_action": [decision.pk]},
    )

    decision.refresh_from_db()
    assert decision.approved_immediately


def _change_form_data(response) -> dict[str, object]:
    """What the browser would post back from the admin change page in ``response``, unchanged."""
    forms = [response.context["adminform"].form]
    data: dict[str, object] = {}
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
            elif value is not False and (value or value == 0):  # empty file fields are falsy
                data[form.add_prefix(name)] = value
    return data


def _empty_inlines(client, url: str) -> dict[str, int]:
    """The management form data of each inline on the admin page at ``url``, with no rows."""
    data = {}
    for inline in client.get(url).context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data
