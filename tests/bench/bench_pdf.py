"""Benchmark of the PDF path (issue 4): prints median times and worker memory.

Run with ``DATABASE_URL=... .venv/bin/python tests/bench/bench_pdf.py [--extracts N]``. It builds
its data inside a transaction that is rolled back, so the database is left as it was.

Figures printed:
- bare WeasyPrint: the extract's HTML rendered by ``HTML(...).write_pdf()`` with WeasyPrint's
  defaults (a fresh font configuration, the stylesheet linked and parsed each time);
- our cold extract: ``render_extract_pdf`` (loads the §, renders, PDF/A + tags);
- a stored extract served over HTTP through the Django test client;
- a whole protocol of 40 §§;
- the process's RSS before and after N cold extracts.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insjoriket.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from weasyprint import HTML  # noqa: E402

from decisions import pdf  # noqa: E402
from decisions.models import Ballot, Decision, Motion, Vote  # noqa: E402
from tests import factories as f  # noqa: E402

LOREM = (
    "Samordningsförbundet Insjöriket är en samverkansform för Arbetsförmedlingen, "
    "Försäkringskassan, Västra Götalandsregionen och fem kommuner i Insjöriket. "
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def build(n_paragraphs: int):
    organ = f.make_organ(name="Kommunfullmäktige", code="KFB", kind="assembly")
    meeting = f.make_meeting(organ=organ, held_on=dt.date(2020, 6, 15), place="Härryda")
    people = [f.make_person(name=f"Ledamot {i}") for i in range(50)]
    decisions = []
    for i in range(1, n_paragraphs + 1):
        d = f.make_decision(
            meeting=meeting,
            number=i,
            title=f"Ärende {i} om Samordningsförbundet Insjöriket",
            case=f.make_case(),
            description=(LOREM * 4 + "\n\n") * 3,
            preparation=LOREM * 3,
            procedure="Ordföranden ställer proposition på förslagen.",
            decision_text="Kommunfullmäktige beslutar enligt kommunstyrelsens förslag.",
            basis="Tjänsteskrivelse\nKommunstyrelsens beslut",
        )
        Motion.objects.create(decision=d, mover=people[0], text="bifall till förslaget")
        if i == 1:
            vote = Vote.objects.create(
                decision=d, question="Ja för förslaget.", yes_count=35, no_count=12,
                abstain_count=3, appendix="Bilaga 16",
            )  # fmt: skip
            for j, p in enumerate(people):
                choice = "yes" if j < 35 else "no" if j < 47 else "abstain"
                Ballot.objects.create(vote=vote, person=p, choice=choice, order=j)
        decisions.append(d)
    meeting.approvers.set(people[:2])
    meeting.approved_on = dt.date(2020, 6, 18)
    meeting.save()
    return meeting, decisions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extracts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    with transaction.atomic():
        meeting, decisions = build(40)
        first = decisions[0]
        issued_on = dt.date(2024, 2, 1)

        def fresh():
            return Decision.objects.select_related("meeting__organ__organisation", "case").get(
                pk=first.pk
            )

        html = pdf.render_extract_html(decision=fresh(), certified_by="K", issued_on=issued_on)
        bare_html = html.replace("<head>", '<head><link rel="stylesheet" href="css/pdf.css">', 1)
        base = pdf.STATIC_DIR.as_uri() + "/"
        pdf.render_extract_pdf(decision=fresh(), certified_by="K", issued_on=issued_on)  # warm-up

        bare = median_ms(lambda: HTML(string=bare_html, base_url=base).write_pdf(), args.repeat)
        bare_pdfa = median_ms(
            lambda: HTML(string=bare_html, base_url=base).write_pdf(
                pdf_variant=pdf.PDF_VARIANT, pdf_tags=True
            ),
            args.repeat,
        )
        cold = median_ms(
            lambda: pdf.render_extract_pdf(decision=fresh(), certified_by="K", issued_on=issued_on),
            args.repeat,
        )
        user = get_user_model().objects.create_user(username="bench-sekr", first_name="B")
        client = Client()
        client.force_login(user)
        url = reverse("decisions:extract-pdf", args=[first.pk])
        assert client.get(url).status_code == 200  # stores it
        stored = median_ms(lambda: client.get(url), args.repeat * 5)
        protocol = median_ms(lambda: pdf.render_protocol_pdf(meeting=meeting), 3)
        pages = len(__import__("pypdf").PdfReader(
            __import__("io").BytesIO(pdf.render_protocol_pdf(meeting=meeting))
        ).pages)  # fmt: skip

        start = rss_mb()
        marks = []
        for i in range(args.extracts):
            pdf.render_extract_pdf(decision=fresh(), certified_by="K", issued_on=issued_on)
            if (i + 1) % max(1, args.extracts // 4) == 0:
                marks.append(f"{i + 1}: {rss_mb():.0f} MB")
        end = rss_mb()
        transaction.set_rollback(True)

    rows = [
        ("bare WeasyPrint render of the extract HTML", f"{bare:.1f} ms"),
        ("bare WeasyPrint, same PDF/A + tags options", f"{bare_pdfa:.1f} ms"),
        (
            "our cold extract (render_extract_pdf)",
            f"{cold:.1f} ms = {cold / bare:.2f} x bare, {cold / bare_pdfa:.2f} x bare PDF/A",
        ),
        ("stored extract over HTTP (test client)", f"{stored:.1f} ms = {stored / bare:.3f} x bare"),
        (f"whole protocol, 40 §§ ({pages} pages)", f"{protocol:.1f} ms (median of 3)"),
        (f"RSS over {args.extracts} cold extracts", f"{start:.0f} MB -> {end:.0f} MB"),
        ("RSS along the way", "; ".join(marks)),
    ]
    print(f"medians of {args.repeat} runs unless said")
    for label, value in rows:
        print(f"{label:<44} {value}")


if __name__ == "__main__":
    main()
