"""The project's URLs plus a reference page for the gunicorn comparison: a plain 50-row
single-table ListView on the same base template. Lives in the benchmark, not the product."""

from django.template import engines
from django.template.response import TemplateResponse
from django.urls import include, path
from django.views.generic import ListView

from members.models import Person

REFERENCE = engines["django"].from_string(
    """{% extends "base.html" %}{% block content %}<h1>Personer</h1>
<table><thead><tr><th scope="col">Namn</th><th scope="col">Parti</th></tr></thead><tbody>
{% for person in object_list %}<tr><td>{{ person.name }}</td><td>{{ person.party }}</td></tr>
{% endfor %}</tbody></table>{% endblock %}"""
)


class ReferenceList(ListView):
    queryset = Person.objects.order_by("id")
    paginate_by = 50

    def render_to_response(self, context, **kwargs):
        return TemplateResponse(self.request, REFERENCE, context)


urlpatterns = [
    path("bench/reference/", ReferenceList.as_view(), name="bench-reference"),
    path("", include("insjoriket.urls")),
]
