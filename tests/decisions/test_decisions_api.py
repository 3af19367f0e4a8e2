"""The read-only JSON API for cases and decisions (docs/api.md, issue 3): loose diarienummer
lookup, a case with its linked cases and timeline, a decision with dates (RULES.md 1–4), force
on a date, links and citation warnings; 404/400 as JSON in Swedish; access (rule 21)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from decisions.models import Decision, DecisionLink
from tests.decisions.conftest import SECRET
from tests.factories import make_case, make_decision, make_meeting, make_organ

pytestmark = pytest.mark.django_db


def _justerad(organ, held_on, **kw) -> Decision:
    meeting = make_meeting(organ=organ, held_on=held_on)
    decision = make_decision(meeting=meeting, **kw)
    type(meeting).objects.filter(pk=meeting.pk).update(
        approved_on=held_on + dt.timedelta(days=6), posted_on=held_on + dt.timedelta(days=7)
    )
    return decision


@pytest.mark.parametrize("number", ["2022KS554", "2022ks554", "KS 2022/554", " 2022 KS 554 "])
def test_a_case_is_found_by_its_number_written_loosely(seeds, client, number):
    response = client.get("/api/v1/cases/", {"number": number})

    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["number"] == "2022KS554"
    assert results[0]["register"]["organisation"] == "Härryda kommun"
    assert results[0]["url"].endswith(f"/api/v1/cases/{results[0]['id']}/")


def test_the_harryda_case_has_its_linked_cases_and_the_whole_timeline(seeds, elected):
    case = Case.objects.get(number="2022VFN360")
    data = elected.get(f"/api/v1/cases/{case.pk}/", {"on": "2026-01-01"}).json()

    assert data["number"] == "2022VFN360"
    assert data["register"]["code"] == "VFN"
    linked = {c["number"]: c["via"] for c in data["linked_cases"]}
    assert linked == {"2022KS554": "case_link", "2019KS742": "decision_link"}
    assert [e["label"] for e in data["timeline"]] == [
        "VFN 2020-04-28 § 114",
        "KS 2020-05-29 § 242",
        "KF 2020-06-15 § 128",
        "VFN 2022-11-23 § 222",
        "KS 2022 § 440",
        "KF (datum okänt) § ?",
    ]
    kf128 = data["timeline"][2]
    assert kf128["meeting_date"] == "2020-06-15"
    assert kf128["in_force"] is False and kf128["status"] == "återkallat"
    assert kf128["ended_by"]["label"] == "KF (datum okänt) § ?"
    assert data["timeline"][0]["kind"] == "proposal" and data["timeline"][0]["in_force"] is False
    assert data["timeline"][-1]["in_force"] is True
    assert data["timeline"][1]["links_out"][0]["kind_label"] == "föreslår"


def test_the_ksau_9_decision_carries_its_citation_warning(seeds, elected):
    ksau9 = Decision.objects.get(organ__code="KSAU", number=9)
    kf94 = Decision.objects.get(
        organ__organisation__short_name="Alingsås", organ__code="KF", number=94
    )

    data = elected.get(f"/api/v1/decisions/{ksau9.pk}/").json()

    assert data["organ"]["code"] == "KSAU"
    assert data["organisation"]["name"] == "Alingsås kommun"
    assert data["meeting_date"] == "2024-01-24"
    assert data["number"] == 9
    assert data["case_number"] == "2023.509 KS"
    assert data["kind"] == "proposal"
    assert [w["fields"] for w in data["citation_warnings"]] == [["date"]]
    warning = data["citation_warnings"][0]
    assert warning["date"] == "2023-05-26" and warning["number"] == 94
    assert warning["likely_decision"] == {"id": kf94.pk, "label": "KF 2021-05-26 § 94"}
    assert [link["decision"]["label"] for link in data["links_in"]] == ["SN 2023-11-14 § 56"]
    # The KSAU protocol is in the seeds: justerat, datum okänt, so an extract can be issued.
    assert data["justerad"] is True and data["approved_date_unknown"] is True
    assert data["extract_url"].endswith(f"/beslut/{ksau9.pk}/utdrag.pdf")


def test_in_force_answers_for_the_date_asked_and_follows_the_links_at_once(client):
    organ = make_organ(code="KF", name="Kommunfullmäktige")
    original = _justerad(organ, dt.date(2024, 1, 31))
    revoking = _justerad(organ, dt.date(2024, 6, 3))
    link = DecisionLink.objects.create(source=revoking, target=original, kind="revokes")
    url = f"/api/v1/decisions/{original.pk}/"

    before = client.get(url, {"on": "2024-06-02"}).json()
    after = client.get(url, {"on": "2024-06-03"}).json()
    link.delete()
    unlinked = client.get(url, {"on": "2024-06-03"}).json()

    assert before["in_force"] is True and before["on"] == "2024-06-02"
    assert after["in_force"] is False and after["status"] == "upphävt"
    assert after["ended_by"]["id"] == revoking.pk and after["ended_on"] == "2024-06-03"
    assert unlinked["in_force"] is True
    # rules 1–4: justerad 02-06, posted Wed 02-07 → last appeal day Wed 02-28, laga kraft 02-29
    assert before["approved_on"] == "2024-02-06"
    assert before["posted_on"] == "2024-02-07"
    assert before["last_appeal_day"] == "2024-02-28"
    assert before["legal_force_on"] == "2024-02-29"
    assert before["extract_url"].endswith(f"/beslut/{original.pk}/utdrag.pdf")


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/v1/decisions/999999/", 404, "Det finns inget beslut med id 999999."),
        ("/api/v1/decisions/abc/", 400, "Ogiltigt id"),
        ("/api/v1/decisions/0/", 400, "Ogiltigt id"),
        ("/api/v1/cases/999999/", 404, "Det finns inget ärende med id 999999."),
        ("/api/v1/cases/x1/", 400, "Ogiltigt id"),
        ("/api/v1/cases/", 400, "Ange ett diarienummer"),
        ("/api/v1/cases/?number=", 400, "Ange ett diarienummer"),
        ("/api/v1/cases/?number=kommunstyrelsen", 400, "måste innehålla siffror"),
    ],
)
def test_unknown_ids_and_bad_parameters_answer_json_in_swedish(client, url, status, message):
    response = client.get(url)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]


@pytest.mark.parametrize("on", ["2024-13-01", "24-01-01", "20240101", "idag", "2024-02-30"])
def test_a_bad_on_date_is_refused(client, on):
    decision = _justerad(make_organ(), dt.date(2024, 1, 31))

    response = client.get(f"/api/v1/decisions/{decision.pk}/", {"on": on})

    assert response.status_code == 400
    assert "ÅÅÅÅ-MM-DD" in response.json()["error"]


def test_anonymous_callers_see_secret_cases_masked_and_only_justerade_decisions(client, make_user):
    organ = make_organ()
    secret = make_case(**SECRET)
    draft = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2024, 3, 1)))
    public = _justerad(organ, dt.date(2024, 1, 10), case=make_case())
    DecisionLink.objects.create(source=draft, target=public, kind="revokes")

    # The secret case's entry is public, masked, as on the case page (OSL 5 kap. 2 §).
    masked = client.get(f"/api/v1/cases/{secret.pk}/").json()
    assert masked["title"] != secret.title and masked["timeline"] == []
    found = client.get("/api/v1/cases/", {"number": secret.number}).json()["results"]
    assert [case["title"] for case in found] == [masked["title"]]
    assert client.get(f"/api/v1/decisions/{draft.pk}/").status_code == 404
    shown = client.get(f"/api/v1/decisions/{public.pk}/").json()
    assert shown["links_in"] == []  # the unjusterad revocation is not shown to visitors
    assert shown["in_force"] is False and shown["ended_by"] is None

    client.force_login(make_user("registrator"))
    assert client.get(f"/api/v1/cases/{secret.pk}/").json()["title"] == secret.title
    client.force_login(make_user("förtroendevald"))
    assert client.get(f"/api/v1/cases/{secret.pk}/").json()["title"] == masked["title"]
    assert client.get(f"/api/v1/decisions/{draft.pk}/").status_code == 200


def test_post_to_cases_still_registers_and_other_methods_are_refused(client):
    assert client.post("/api/v1/cases/", "{}", content_type="application/json").status_code == 401
    assert client.delete("/api/v1/cases/").status_code == 405
    assert client.post("/api/v1/decisions/1/").status_code == 405


def _chain(length: int):
    organ = make_organ()
    case = make_case()
    previous = None
    for i in range(length):
        decision = _justerad(organ, dt.date(2000 + i, 3, 1), case=case)
        if previous:
            DecisionLink.objects.create(source=decision, target=previous, kind="amends")
        previous = decision
    return case, previous


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_api_makes_as_many_queries_for_20_decisions_as_for_1(client, django_assert_num_queries):
    short_case, short_last = _chain(1)
    long_case, long_last = _chain(20)

    case_queries = _count(client, f"/api/v1/cases/{short_case.pk}/")
    decision_queries = _count(client, f"/api/v1/decisions/{short_last.pk}/")
    with django_assert_num_queries(case_queries):
        data = client.get(f"/api/v1/cases/{long_case.pk}/").json()
    with django_assert_num_queries(decision_queries):
        assert client.get(f"/api/v1/decisions/{long_last.pk}/").status_code == 200

    assert len(data["timeline"]) == 20
    assert case_queries <= 6 and decision_queries <= 7
