"""Read-only JSON API for memberships under /api/v1/ (docs/api.md)."""

from django.urls import path  # noqa: F401

app_name = "members_api"

urlpatterns: list = []
