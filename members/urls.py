"""Member and förbund pages (mounted at the site root)."""

from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("forbund/", views.federation_list, name="federation-list"),
    path("forbund/<int:org_id>/", views.federation_detail, name="federation-detail"),
    path("medlemmar/", views.member_list, name="member-list"),
    path("medlemmar/<int:org_id>/", views.member_detail, name="member-detail"),
]
