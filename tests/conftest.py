"""Shared fixtures. Tests run on real PostgreSQL: the server named by DATABASE_URL (CI), or
the embedded one from pgserver when it is unset."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache

from insjoriket.access import setup_roles


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        username="admin", email="admin@example.org", password="hemligt-lösenord-1"
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached filter choices must not outlive the rolled-
    back rows of an earlier test."""
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The data of the bad-input tables (tests/bad_input.py), built once per module inside an
    outer transaction that is rolled back at the end."""
    from django.db import transaction

    from tests.bad_input import build_world

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
