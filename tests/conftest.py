"""Shared fixtures. Tests run on real PostgreSQL: the server named by DATABASE_URL (CI), or
the embedded one from pgserver when it is unset.

The test database is created, migrated and flushed as its owner; every test then runs as the
application's role, which owns nothing (insjoriket/db_roles.py), as requests do in production:
``DATABASE_APP_ROLE``, or ``insjoriket_app`` when it is unset. A test that needs the owner (the
data generator, DDL) uses the ``as_owner`` fixture."""

import functools

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import TransactionTestCase

from insjoriket import db_roles
from insjoriket.access import setup_roles
from insjoriket.database import EMBEDDED_APP_ROLE

_OWNER_METHODS = ("_fixture_setup", "_fixture_teardown")  # flush (TRUNCATE), reset_sequences
_ORIGINALS = {name: TransactionTestCase.__dict__[name] for name in _OWNER_METHODS}


def _owner_run(attr):
    """The same (class)method, run as the database's owner."""
    func = attr.__func__ if isinstance(attr, classmethod) else attr

    @functools.wraps(func)
    def run(*args, **kwargs):
        with db_roles.as_owner():
            return func(*args, **kwargs)

    return classmethod(run) if isinstance(attr, classmethod) else run


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Before the test database is created: the application's role the migration grants to."""
    settings.DATABASE_APP_ROLE = db_roles.app_role() or EMBEDDED_APP_ROLE


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After pytest-django has created and migrated the test database as the owner: the
    application's role gets its grants and every connection from now on switches to it. The
    flush after a transaction=True test (TRUNCATE) runs as the owner."""
    from django.db import connection

    with django_db_blocker.unblock():  # again, for a database kept from an earlier run (--reuse-db)
        db_roles.install_audit(connection)
        db_roles.ensure_app_role(connection, settings.DATABASE_APP_ROLE)
        db_roles.grant_privileges(connection, settings.DATABASE_APP_ROLE)
        db_roles.use_app_role()
    for name, attr in _ORIGINALS.items():
        setattr(TransactionTestCase, name, _owner_run(attr))
    yield
    with django_db_blocker.unblock():
        db_roles.stop_app_role()
    for name, attr in _ORIGINALS.items():
        setattr(TransactionTestCase, name, attr)


@pytest.fixture
def as_owner(db):
    """The test runs as the database's owner (the data generator, DDL), not the app's role."""
    with db_roles.as_owner() as connection:
        yield connection


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
