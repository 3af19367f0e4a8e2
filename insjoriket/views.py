"""Project-level pages: the start page, the tillgänglighetsredogörelse (rule 32) and
/favicon.ico."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

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


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers and tools ask for /favicon.ico whatever the page links: send them to the SVG
    icon base.html links. Not permanent: the static name changes with each deploy (the
    manifest storage's hash), so a cached 301 would point at a file that is gone."""
    return HttpResponseRedirect(static("favicon.svg"))
