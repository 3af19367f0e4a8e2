from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from insjoriket import api, health, views

admin.site.site_header = "Insjöriket – ärende- och beslutsregister"
admin.site.site_title = "Insjöriket"
admin.site.index_title = "Administration"

handler400 = "insjoriket.errors.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("halsa/", health.health, name="health"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("arenden/", include("cases.urls")),
    path("api/v1/", include((api.urlpatterns(), "api"), namespace="api")),
    path("beslut/", include("decisions.urls")),
    path("sammantraden/", include("decisions.secretary_urls")),
    path("", include("decisions.public_urls")),
    path("", include("decisions.history_urls")),
    path("", include("members.urls")),
    path("admin/", admin.site.urls),
]
