"""Project-level pages: the start page and the tillgänglighetsredogörelse (rule 32)."""

from django.shortcuts import render

from cases.models import Case
from decisions.models import Decision, Meeting
from members.models import Organisation


def home(request):
    counts = {
        "organisations": Organisation.objects.count(),
        "cases": Case.objects.count(),
        "meetings": Meeting.objects.count(),
        "decisions": Decision.objects.count(),
    }
    return render(request, "home.html", {"counts": counts})


def accessibility(request):
    return render(request, "accessibility.html")
