"""Fixtures shared by the decision page and API tests: the seed data, users per role and a
logged-in förtroendevald."""

import io

import pytest
from django.core.management import call_command

from tests import factories

SECRET = {**factories.SECRET, "public_title": "Ärende om enskild"}


@pytest.fixture
def seeds():
    call_command("load_insjoriket", stdout=io.StringIO())


@pytest.fixture
def elected(client, make_user):
    client.force_login(make_user("förtroendevald"))
    return client
