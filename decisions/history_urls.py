"""Read pages for förtroendevalda: case history across registers, decision page, citation
list (mounted at the site root)."""

from django.urls import path

from decisions import history_views

app_name = "history"

urlpatterns = [
    path("arenden/<int:case_id>/historik/", history_views.case_history, name="case-history"),
    path("beslut/citat/", history_views.citation_list, name="citation-list"),
    path("beslut/<int:decision_id>/", history_views.decision_detail, name="decision-detail"),
]
