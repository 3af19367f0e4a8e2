"""Shared fixtures. Tests run on real PostgreSQL: the server named by DATABASE_URL (CI), or
the embedded one from pgserver when it is unset."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache


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
