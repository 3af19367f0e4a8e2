"""Member and förbund pages (mounted at the site root)."""

from django.urls import path  # noqa: F401

app_name = "members"

urlpatterns: list = []
