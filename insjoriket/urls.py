from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases import urls as case_urls
from decisions.views import urls as decision_urls
from insjoriket import api, health, views

admin.site.site_header = "Insjöriket – ärende- och beslutsregister"
admin.site.site_title = "Insjöriket"
admin.site.index_title = "Administration"

handler400 = "insjoriket.errors.bad_request"
handler500 = "insjoriket.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("halsa/", health.health, name="health"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path(
        "arenden/",
        include((case_urls.urlpatterns + decision_urls.case_patterns, "cases")),
    ),
    path("api/v1/", include((api.urlpatterns(), "api"), namespace="api")),
    path("beslut/", include((decision_urls.pdf_patterns, "decisions"))),
    path("sammantraden/", include((decision_urls.secretary_patterns, "secretary"))),
    path("", include((decision_urls.public_patterns, "public"))),
    path("", include((decision_urls.history_patterns, "history"))),
    path("", include((decision_urls.member_patterns, "members"))),
    path("admin/", admin.site.urls),
]
