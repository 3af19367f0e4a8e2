"""The health endpoint a load balancer polls: 200 when PostgreSQL answers, 503 when not."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_health_answers_ok_with_one_query_when_the_database_answers(
    client, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_answers_503_when_the_database_fails(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/halsa/")
    assert response.status_code == 503
    assert response.json() == {"status": "fel", "database": "fel"}


@pytest.mark.django_db
def test_health_needs_no_login_and_refuses_writes(client):
    assert client.get("/halsa/").status_code == 200
    assert client.post("/halsa/").status_code == 405
