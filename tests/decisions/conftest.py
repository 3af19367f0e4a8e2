"""Fixtures shared by the decision page and API tests: the seed data, users per role and a
logged-in förtroendevald."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from cases.access import setup_roles
from tests import factories

SECRET = {**factories.SECRET, "public_title": "Ärende om enskild"}


@pytest.fixture
def seeds():
    call_command("load_insjoriket", stdout=io.StringIO())


@pytest.fixture
def make_user(db):
    setup_roles()

    def make(role: str | None = None):
        user = get_user_model().objects.create_user(
            username=f"user-{role or 'utan-roll'}", password="hemligt-lösenord-1"
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def elected(client, make_user):
    client.force_login(make_user("förtroendevald"))
    return client
