"""URLs of the diarium pages, mounted under /arenden/ in the ``cases`` namespace together with
``decisions.views.urls.case_patterns`` (the case page and search, which also show §§)."""

from django.urls import path

from cases import views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("nytt/", views.case_create, name="case-create"),
    path("<int:pk>/handlingar/ny/", views.document_create, name="document-create"),
    path("<int:pk>/avsluta/", views.case_close, name="case-close"),
    path("<int:pk>/ateruppta/", views.case_reopen, name="case-reopen"),
    path("<int:pk>/koppla/", views.case_link, name="case-link"),
    path("handlingar/<int:pk>/fil/", views.document_file, name="document-file"),
    path("handlingar/<int:pk>/sekretess/", views.document_secrecy, name="document-secrecy"),
]
