"""Public pages without login: the digital anslagstavla (mounted at the site root)."""

from django.urls import path

from decisions import public_views as views

app_name = "public"

urlpatterns = [
    path("anslagstavla/", views.anslagstavla, name="anslagstavla"),
    path("anslagstavla/arkiv/", views.anslagstavla_archive, name="anslagstavla-archive"),
]
