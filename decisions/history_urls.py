"""Read pages for förtroendevalda: case history across registers, decision page, citation
list (mounted at the site root)."""

from django.urls import path  # noqa: F401

app_name = "history"

urlpatterns: list = []
