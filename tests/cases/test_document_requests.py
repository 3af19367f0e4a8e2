"""Begäran om allmän handling (issue 15 item 3): rule 42 — each handling of a request is
released, released with masking or refused with the OSL provision as ground, a refusal carries
the besvärshänvisning, the time to answer is shown; rule 43 — the copy released with masking
holds none of the masked words in its text or metadata."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from cases import disclosure
from cases.models import DisclosureDecision
from cases.services import add_document, register_case
from tests.decisions.test_pdfa import pdfa_2b_problems
from tests.factories import SECRET, make_register

pytestmark = pytest.mark.django_db

D = dt.date
SECRET_WORDS = ["Ingrid Hemligsson", "Sjöviksgatan 4"]
LETTER = (
    "Socialtjänsten har tagit emot en orosanmälan om Ingrid Hemligsson, boende på "
    "Sjöviksgatan 4. Anmälan gäller hemtjänstens insatser under våren."
)


@pytest.fixture
def case_with_letter(db):
    case = register_case(register=make_register(), title="Hemtjänstens insatser", year=2024)
    letter = add_document(
        case=case,
        date=D(2024, 2, 1),
        direction="incoming",
        description="Orosanmälan om Ingrid Hemligsson",
        counterpart="Ingrid Hemligsson",
        text=LETTER,
        public_title="Orosanmälan",
        **SECRET,
    )
    reply = add_document(case=case, date=D(2024, 2, 5), direction="outgoing",
                         description="Svar till anmälaren", text="Tack för anmälan.")  # fmt: skip
    return {"case": case, "letter": letter, "reply": reply}


def _request(case):
    return disclosure.register_request(
        case=case, received_on=D(2024, 3, 1), description="Alla handlingar i ärendet",
        today=D(2024, 3, 1),
    )  # fmt: skip


def _decide(request, document, outcome, **extra):
    return disclosure.decide(request=request, document=document, outcome=outcome,
                             decided_on=extra.pop("decided_on", D(2024, 3, 2)),
                             decided_by="Registratorn", **extra)  # fmt: skip


def test_rule_42_a_masking_or_an_avslag_needs_its_osl_ground(case_with_letter):
    request = _request(case_with_letter["case"])
    for outcome in ("masked", "refused"):
        with pytest.raises(ValidationError) as refused:
            _decide(request, case_with_letter["letter"], outcome, masked_words="Ingrid")
        assert "OSL 6 kap. 3 §" in str(refused.value.message_dict["ground"])
    with pytest.raises(ValidationError) as refused:
        _decide(request, case_with_letter["letter"], "masked", ground="OSL 26 kap. 1 §")
    assert "masked_words" in refused.value.message_dict
    assert not DisclosureDecision.objects.exists()


def test_rule_42_each_handling_is_tried_once_and_the_time_to_answer_counts(case_with_letter):
    request = _request(case_with_letter["case"])
    assert disclosure.days_to_answer(request, []) is None
    _decide(request, case_with_letter["reply"], "released", decided_on=D(2024, 3, 4))
    with pytest.raises(ValidationError, match="redan prövad"):
        _decide(request, case_with_letter["reply"], "released")
    with pytest.raises(ValidationError, match="före den dag"):
        _decide(request, case_with_letter["letter"], "refused", ground="OSL 26 kap. 1 §",
                decided_on=D(2024, 2, 28))  # fmt: skip
    assert disclosure.days_to_answer(request, list(request.decisions.all())) == 3


def test_rule_42_the_applicant_may_stay_anonymous_and_the_day_cannot_be_in_the_future(
    case_with_letter,
):
    request = _request(case_with_letter["case"])
    assert request.requester == ""
    with pytest.raises(ValidationError, match="framtiden"):
        disclosure.register_request(case=case_with_letter["case"], received_on=D(2024, 3, 2),
                                    description="x", today=D(2024, 3, 1))  # fmt: skip


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    xmp = reader.trailer["/Root"].get("/Metadata")
    xmp_text = xmp.get_object().get_data().decode("utf-8", "replace") if xmp else ""
    pages = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join([pages, metadata, xmp_text])


def test_rule_43_the_masked_copy_holds_none_of_the_masked_words(case_with_letter, make_user):
    """Through the registrator's pages: log the request, decide "lämnas ut med maskning" and
    "avslag", download the copy — its text, its document info and its XMP hold none of the
    masked words, and what was not masked is all there."""
    client = Client()
    client.force_login(make_user("registrator"))
    case, letter = case_with_letter["case"], case_with_letter["letter"]
    response = client.post(
        reverse("cases:request-add", args=[case.pk]),
        {"received_on": "2024-03-01", "requester": "", "description": "Orosanmälan"},
    )
    assert response.status_code == 302
    detail = response["Location"]
    response = client.post(detail, {
        "document": letter.pk, "outcome": "masked", "ground": "OSL 26 kap. 1 §",
        "masked_words": "\n".join(SECRET_WORDS), "decided_on": "2024-03-02",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(detail, {
        "document": case_with_letter["reply"].pk, "outcome": "refused",
        "ground": "OSL 26 kap. 1 §", "decided_on": "2024-03-03",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "2 dagar från begäran till det senaste beslutet." in page
    assert "kammarrätten" in page and "inom tre veckor" in page  # the besvärshänvisning

    decision = DisclosureDecision.objects.get(document=letter)
    copy = client.get(reverse("cases:masked-copy", args=[decision.pk]))
    assert copy.status_code == 200 and copy["Content-Type"] == "application/pdf"
    text = _text(copy.content)
    for word in ["Ingrid", "Hemligsson", "Sjöviksgatan"]:
        assert word not in text, word
    assert "[maskerat]" in text and "hemtjänstens insatser under våren" in " ".join(text.split())
    assert "OSL 26 kap. 1 §" in text
    assert pdfa_2b_problems(copy.content) == []


def test_bad_input_is_a_swedish_message_and_the_form_keeps_it(case_with_letter, make_user):
    client = Client()
    client.force_login(make_user("registrator"))
    request = _request(case_with_letter["case"])
    url = reverse("cases:request-detail", args=[request.pk])
    response = client.post(url, {"document": case_with_letter["letter"].pk, "outcome": "refused",
                                 "ground": "", "decided_on": "2024-03-02"})  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ange lagrummet" in body and 'value="2024-03-02"' in body
    assert not DisclosureDecision.objects.exists()


@pytest.mark.parametrize("role", [None, "förtroendevald", "sekreterare"])
def test_only_those_who_may_read_secrets_try_requests(case_with_letter, make_user, role):
    client = Client()
    if role:
        client.force_login(make_user(role))
    request = _request(case_with_letter["case"])
    response = client.get(reverse("cases:request-detail", args=[request.pk]))
    assert response.status_code == (302 if role is None else 403)
