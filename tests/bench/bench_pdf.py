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
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insjoriket.settings")
# Measure a production worker: with DEBUG on, Django keeps the last 9,000 queries' SQL per
# connection, which shows up as ~13 MB of "growth" over 1,000 extracts.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 50)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from decisions.models import Ballot, Decision, Motion, Vote  # noqa: E402
from decisions.publishing import pdf  # noqa: E402
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


def timed(fn) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def medians(fns: dict, n: int) -> dict[str, tuple[float, float]]:
    """Median (wall ms, CPU ms) of each function, run interleaved so that load from other
    processes on the machine falls on all of them alike."""
    samples = {name: [] for name in fns}
    for _ in range(n):
        for name, fn in fns.items():
            samples[name].append(timed(fn))
    return {
        name: (
            statistics.median(w for w, _c in runs),
            statistics.median(c for _w, c in runs),
        )
        for name, runs in samples.items()
    }


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
        pages_extract = len(
            PdfReader(
                io.BytesIO(
                    pdf.render_extract_pdf(decision=fresh(), certified_by="K", issued_on=issued_on)
                )
            ).pages
        )

        renders = medians(
            {
                "bare": lambda: HTML(string=bare_html, base_url=base).write_pdf(),
                "bare_pdfa": lambda: HTML(string=bare_html, base_url=base).write_pdf(
                    pdf_variant=pdf.PDF_VARIANT, pdf_tags=True
                ),
                "cold": lambda: pdf.render_extract_pdf(
                    decision=fresh(), certified_by="K", issued_on=issued_on
                ),
            },
            args.repeat,
        )
        user = get_user_model().objects.create_user(username="bench-sekr", first_name="B")
        client = Client()
        client.force_login(user)
        url = reverse("decisions:extract-pdf", args=[first.pk])
        assert client.get(url).status_code == 200  # stores it
        stored = medians({"stored": lambda: client.get(url)}, args.repeat * 5)["stored"]

        print(
            f"cold {renders['cold']}, bare {renders['bare']}, bare PDF/A {renders['bare_pdfa']},"
            f" stored {stored} (wall ms, CPU ms)",
            flush=True,
        )
        # Memory of a worker that issues extracts: RSS after the warm-up above, then along
        # N cold extracts (before any whole protocol, whose peak the allocator keeps).
        start = rss_mb()
        marks = []
        for i in range(args.extracts):
            pdf.render_extract_pdf(decision=fresh(), certified_by="K", issued_on=issued_on)
            if (i + 1) % max(1, args.extracts // 4) == 0:
                marks.append(f"{i + 1}: {rss_mb():.0f} MB")
                print(f"RSS after {marks[-1]} (start {start:.0f} MB)", flush=True)
        end = rss_mb()

        protocol = medians({"protocol": lambda: pdf.render_protocol_pdf(meeting=meeting)}, 3)[
            "protocol"
        ]
        pages = len(PdfReader(io.BytesIO(pdf.render_protocol_pdf(meeting=meeting))).pages)
        after_protocol = rss_mb()
        transaction.set_rollback(True)

    bare, bare_pdfa, cold = renders["bare"], renders["bare_pdfa"], renders["cold"]

    def both(t):
        return f"{t[0]:8.1f} ms wall {t[1]:8.1f} ms CPU"

    rows = [
        (f"bare WeasyPrint render of the extract HTML ({pages_extract} p.)", both(bare)),
        ("bare WeasyPrint, same PDF/A + tags options", both(bare_pdfa)),
        ("our cold extract (render_extract_pdf)", both(cold)),
        (
            "  cold / bare",
            f"{cold[0] / bare[0]:.2f} x wall, {cold[1] / bare[1]:.2f} x CPU "
            f"(/ bare PDF/A: {cold[1] / bare_pdfa[1]:.2f} x CPU)",
        ),
        ("stored extract over HTTP (test client)", both(stored)),
        ("  stored / bare", f"{stored[0] / bare[0]:.3f} x wall, {stored[1] / bare[1]:.3f} x CPU"),
        (f"whole protocol, 40 §§ ({pages} pages), median of 3", both(protocol)),
        (f"RSS over {args.extracts} cold extracts", f"{start:.0f} MB -> {end:.0f} MB"),
        ("RSS along the way", "; ".join(marks)),
        ("RSS after the 40-§ protocols", f"{after_protocol:.0f} MB"),
    ]
    print(f"medians of {args.repeat} interleaved runs unless said; CPU = this process's time")
    for label, value in rows:
        print(f"{label:<52} {value}")


if __name__ == "__main__":
    main()
