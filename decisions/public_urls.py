"""Public pages without login: the digital anslagstavla (mounted at the site root)."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns: list = []
