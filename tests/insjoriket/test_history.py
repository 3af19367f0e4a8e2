"""Every change made in the back office is kept with who made it (django-simple-history,
rule 23) and shows on the record's history page."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from cases.models import Case
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client) -> User:
    """A registrator: staff, allowed to see and change ärenden, nothing more."""
    user = User.objects.create_user(username="registrator", password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="cases", codename__in=["view_case", "change_case"]
        )
    )
    client.force_login(user)
    return user


def change_form_data(response) -> dict[str, object]:
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


def change_case_title(client, case: Case, title: str):
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = change_form_data(client.get(url)) | {"title": title}
    return client.post(url, data)


def test_a_change_made_in_the_admin_is_recorded_with_the_user_who_made_it(client, clerk):
    case = make_case(title="Utträde ur Samordningsförbundet Insjöriket")

    response = change_case_title(client, case, "Återkallelse av utträde")

    assert response.status_code == 302
    latest = case.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == clerk
    assert latest.title == "Återkallelse av utträde"
    assert latest.prev_record.title == "Utträde ur Samordningsförbundet Insjöriket"


def test_the_history_page_lists_the_change_and_who_made_it(client, clerk):
    case = make_case(title="Utträde ur Samordningsförbundet Insjöriket")
    change_case_title(client, case, "Återkallelse av utträde")

    response = client.get(reverse("admin:cases_case_history", args=[case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "registrator" in html
    assert "Utträde ur Samordningsförbundet Insjöriket" in html  # the old value
    assert "Återkallelse av utträde" in html  # the new value
    assert response.context["page_obj"].paginator.count == 2  # registered, then changed


def test_a_handling_added_on_the_case_page_is_recorded_with_the_user_who_added_it(client, clerk):
    """Rule 23: every addition of a registered handling is logged with its user."""
    clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="cases", codename="add_document")
    )
    case = make_case()
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = change_form_data(client.get(url)) | {
        "documents-TOTAL_FORMS": 1,
        "documents-0-serial": 1,
        "documents-0-date": "2023-10-24",
        "documents-0-direction": "drawn_up",
        "documents-0-description": "Tjänsteskrivelse",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    document = case.documents.get()
    assert document.history.get().history_user == clerk
