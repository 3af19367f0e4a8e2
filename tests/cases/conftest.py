"""Users in each role, built through ``setup_roles`` like a real installation."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases.access import setup_roles

ROLE_NAMES = ("registrator", "sekreterare", "förtroendevald", "administratör")


@pytest.fixture
def roles(db):
    setup_roles()


@pytest.fixture
def make_user(roles):
    def make(role: str | None = None, username: str | None = None):
        user = get_user_model().objects.create_user(
            username=username or f"user-{role or 'utan-roll'}", password="hemligt-lösenord-1"
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def registrator(make_user):
    return make_user("registrator")


@pytest.fixture
def registrator_client(client, registrator):
    client.force_login(registrator)
    return client


@pytest.fixture
def elected_client(client, make_user):
    client.force_login(make_user("förtroendevald"))
    return client
