"""The nämndsekreterare's pages: sammanträden, §§, votering, justering, anslag, expediering
(mounted under /sammantraden/)."""

from django.urls import path

from decisions import secretary_views as views

app_name = "secretary"

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("planera/", views.meeting_plan, name="meeting-plan"),
    path("arets-protokoll/", views.protocol_batch_create, name="protocol-batch-create"),
    path("arets-protokoll/status/", views.protocol_batch_list, name="protocol-batch-list"),
    path("arets-protokoll/hamta/", views.protocol_batch_download, name="protocol-batch-download"),
    path("<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("<int:meeting_id>/narvaro/", views.meeting_attendance, name="meeting-attendance"),
    path("<int:meeting_id>/paragrafer/ny/", views.decision_add, name="decision-add"),
    path("<int:meeting_id>/justera/", views.meeting_approve, name="meeting-approve"),
    path("<int:meeting_id>/anslag/", views.meeting_post, name="meeting-post"),
    path("<int:meeting_id>/anslag/ta-ned/", views.meeting_remove_posting, name="meeting-remove"),
    path("paragraf/<int:decision_id>/", views.decision_detail, name="decision-detail"),
    path("paragraf/<int:decision_id>/texter/", views.decision_texts, name="decision-texts"),
    path("paragraf/<int:decision_id>/yrkande/", views.decision_motion, name="decision-motion"),
    path("paragraf/<int:decision_id>/votering/", views.decision_vote, name="decision-vote"),
    path(
        "paragraf/<int:decision_id>/reservation/",
        views.decision_reservation,
        name="decision-reservation",
    ),
    path("paragraf/<int:decision_id>/jav/", views.decision_recusal, name="decision-recusal"),
    path(
        "paragraf/<int:decision_id>/omedelbar-justering/",
        views.decision_approve_immediately,
        name="decision-approve-immediately",
    ),
    path(
        "paragraf/<int:decision_id>/rattelse/",
        views.decision_correction,
        name="decision-correction",
    ),
    path(
        "paragraf/<int:decision_id>/expediering/",
        views.decision_dispatch,
        name="decision-dispatch",
    ),
    path(
        "paragraf/<int:decision_id>/minoritetsaterremiss/",
        views.decision_minority_referral,
        name="decision-minority-referral",
    ),
]
