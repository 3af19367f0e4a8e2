"""The admin's history page in Swedish (issue 16 item 7): a changed choice reads by its label
("pågående → avslutat", not "open → closed"), nothing reads "(tomt)", not "None", dates are
ÅÅÅÅ-MM-DD, a long text is shown whole with the changed words marked (not "[113 chars]"),
and no app is titled in English."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Case, Document
from insjoriket.history import save_recorded
from tests.factories import make_case, make_document

pytestmark = pytest.mark.django_db

LONG_BEFORE = (
    "Kommunfullmäktige beslutade att Härryda kommun ska träda ut ur Samordningsförbundet "
    "Insjöriket och att förbundsordningens uppsägningstid om tre kalenderår gäller."
)
LONG_AFTER = LONG_BEFORE.replace("ska träda ut ur", "fortsatt ska vara med i")


def _changes(admin_client, obj) -> str:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    return page[page.index("<tbody>") : page.index("</tbody>")]  # the history table's rows


def test_a_choice_a_date_and_an_empty_value_read_in_swedish(admin_client):
    case = make_case(officer="")
    case = Case.objects.get(pk=case.pk)
    case.status = Case.Status.CLOSED
    case.closed_on = dt.date(2024, 3, 12)
    case.officer = "Lina Fahlgren"
    save_recorded(case, reason="Avslutat")
    page = _changes(admin_client, case)
    assert "pågående &nbsp;&rarr;&nbsp;&nbsp;avslutat" in page
    assert "(tomt) &nbsp;&rarr;&nbsp;&nbsp;2024-03-12" in page
    assert "(tomt) &nbsp;&rarr;&nbsp;&nbsp;Lina Fahlgren" in page
    assert "closed" not in page and "None" not in page


def test_a_long_text_is_shown_whole_with_the_changed_words_marked(admin_client):
    document = make_document(text=LONG_BEFORE)
    document = Document.objects.get(pk=document.pk)
    document.text = LONG_AFTER
    save_recorded(document, reason="Rättat")
    page = _changes(admin_client, document)
    assert "chars]" not in page and "…" not in page
    assert "<del>träda ut ur</del>" in page
    assert "<ins>fortsatt</ins> ska <ins>vara med i</ins>" in page
    assert "förbundsordningens uppsägningstid om tre kalenderår gäller." in page


def test_no_app_in_the_admin_is_titled_in_english(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Inloggningsskydd" in page
    assert ">Axes<" not in page and "AXES" not in page
