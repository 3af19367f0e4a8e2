"""The nämndsekreterare's pages: sammanträden, §§, votering, justering, anslag, expediering
(mounted under /sammantraden/)."""

from django.urls import path  # noqa: F401

app_name = "secretary"

urlpatterns: list = []
