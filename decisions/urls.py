from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("<int:decision_id>/utdrag.pdf", views.extract_pdf, name="extract-pdf"),
    path("sammantraden/<int:meeting_id>/protokoll.pdf", views.protocol_pdf, name="protocol-pdf"),
]
