"""Read-only JSON API for cases and decisions under /api/v1/ (docs/api.md)."""

from django.urls import path  # noqa: F401

app_name = "decisions_api"

urlpatterns: list = []
