"""Beslutsuppföljning: the uppdrag given by decisions, open and overdue first (RULES.md 44;
KL 6 kap. 6 §). Everyone sees the uppdrag of §§ they may read, of ärenden whose content they
may see."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from decisions import rules as date_rules
from decisions.models import DecisionTask, filename_part
from decisions.publishing import pdf
from decisions.tasks import report, rules
from decisions.tasks.forms import TaskReportForm


def _report_organs(tasks) -> list:
    return sorted({task.decision.organ for task in tasks}, key=lambda o: (o.name, o.pk))


@require_GET
def task_list(request):
    today = date_rules.today()
    tasks = list(DecisionTask.objects.visible_to(request.user).for_list_page())
    organs = _report_organs(tasks)
    organ_id = request.GET.get("organ", "")
    if organ_id.isdigit():
        tasks = [task for task in tasks if task.decision.organ_id == int(organ_id)]
    only_overdue = request.GET.get("visa") == "forsenade"
    rows = []
    for task in tasks:
        status = task.status(today)
        overdue = rules.is_overdue(status=status, due_on=task.due_on, on=today)
        if only_overdue and not overdue:
            continue
        rows.append({"task": task, "status": task.status_label(today), "overdue": overdue,
                     "still_to_do": status in rules.STILL_TO_DO})  # fmt: skip
    rows.sort(key=lambda r: (not r["overdue"], not r["still_to_do"], r["task"].due_on is None,
                             r["task"].due_on or today))  # fmt: skip
    return render(
        request,
        "decisions/tasks/task_list.html",
        {
            "rows": rows,
            "organs": organs,
            "organ_id": organ_id,
            "only_overdue": only_overdue,
            "today": today,
            "overdue_count": sum(r["overdue"] for r in rows),
        },
    )


def _report_context(request):
    """The report's form and, for a valid request, its organ and report; and the status."""
    today = date_rules.today()
    tasks = list(DecisionTask.objects.visible_to(request.user).for_list_page())
    organs = _report_organs(tasks)
    form = TaskReportForm(request.GET or None, organs=organs, this_year=today.year)
    context = {"form": form, "organs": organs}
    if not request.GET:
        return context, 200
    if not form.is_valid():
        return context, 400
    organ, year = form.cleaned_data["organ"], form.cleaned_data["year"]
    context["organ"] = organ
    context["report"] = report.year_report(
        [task for task in tasks if task.decision.organ_id == organ.pk], year=year, today=today
    )
    context["pdf_query"] = urlencode({"organ": organ.pk, "year": year})
    return context, 200


@require_GET
def task_report(request):
    """The yearly report on the uppdrag of one organ's decisions, for the revisorer: counts per
    status and age as a chart (server-rendered SVG, its numbers also as a table) and every
    uppdrag with its status at the year's end."""
    context, status = _report_context(request)
    return render(request, "decisions/tasks/task_report.html", context, status=status)


@require_GET
def task_report_pdf(request):
    """The same report as a PDF/A for the revisorer's file (the chart as vector SVG, its
    numbers in tables). Without an organ and year: the page to choose them (with its errors and
    400 for invalid ones)."""
    context, status = _report_context(request)
    if "report" not in context:
        return render(request, "decisions/tasks/task_report.html", context, status=status)
    organ, year = context["organ"], context["report"].year
    context["title"] = f"Uppföljning av uppdrag {year} {organ.name}"
    content = pdf.html_to_pdf(render_to_string("decisions/pdf/task_report.html", context))
    response = HttpResponse(content, content_type="application/pdf")
    name = f"uppfoljning-uppdrag-{filename_part(organ.code).lower()}-{year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
