"""Bad input to the secretary's pages (tests/bad_input.py), and the tables' reach: every page
that takes a POST in the diarium and the secretary's namespaces has a case."""

from __future__ import annotations

import inspect
from urllib.parse import urlsplit

import pytest
from django.urls import URLResolver, get_resolver, resolve, reverse

from tests.bad_input import (
    INVALID_CHOICE,
    INVALID_DATE,
    REQUIRED,
    Post,
    check_post,
    on_justering,
    vote_form,
)
from tests.cases.test_bad_input_pages import POSTS as REGISTRATOR_POSTS

pytestmark = pytest.mark.django_db


POSTS = [
    # The secretary's pages (rules 11, 13, 1–5).
    Post(
        "meeting-date-impossible",
        "sekreterare",
        lambda w: "/sammantraden/planera/",
        lambda w: {"organ": w.meeting.organ_id, "held_on": "2026-02-30", "place": "Rådhuset"},
        INVALID_DATE,
        ("Rådhuset", "2026-02-30"),
    ),
    Post(
        "meeting-organ-unknown",
        "sekreterare",
        lambda w: "/sammantraden/planera/",
        lambda w: {"organ": 987654, "held_on": "2026-12-01", "place": "Rådhuset"},
        INVALID_CHOICE,
        ("Rådhuset",),
    ),
    Post(
        "paragraph-number-out-of-series",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/paragrafer/ny/",
        lambda w: {"number": 7, "title": "Budget 2027", "kind": "notification", "case_number": ""},
        "följer inte på föregående paragraf",
        ("Budget 2027",),
    ),
    Post(
        "paragraph-number-taken",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/paragrafer/ny/",
        lambda w: {
            "number": w.decision.number,
            "title": "Budget 2027",
            "kind": "notification",
        },
        "finns redan",
        ("Budget 2027",),
    ),
    Post(
        "paragraph-case-unknown",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/paragrafer/ny/",
        lambda w: {"number": 2, "title": "Budget 2027", "kind": "decision", "case_number": "1"},
        "Det finns inget ärende med diarienummer 1",
        ("Budget 2027",),
    ),
    Post(
        "vote-ballots-do-not-add-up",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/votering/",
        vote_form(yes_count=35, no_count=12, abstain_count=3),
        "Rösterna stämmer inte med resultatet",
        ("Bifall till motionen röstar ja",),
    ),
    Post(
        "vote-counts-incomplete",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/votering/",
        vote_form(yes_count=3),
        "Ange antal ja, nej och avstår, eller lämna alla tre tomma.",
        ("Bifall till motionen röstar ja",),
    ),
    Post(
        "vote-negative-count",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/votering/",
        vote_form(yes_count=-1, no_count=1, abstain_count=0),
        "större än eller lika med 0",
        ("Bifall till motionen röstar ja",),
    ),
    Post(
        "reservation-by-outsider",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/reservation/",
        lambda w: {"person": w.outsider.pk, "motivation": "Jag reserverar mig."},
        "Bara den som deltog i beslutet kan reservera sig",
        ("Jag reserverar mig.",),
    ),
    Post(
        "approve-before-meeting",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/justera/",
        lambda w: {
            "approved_on": "2026-10-01",
            "place": "Kansliet",
            "approvers": [w.participants[0].pk],
        },
        "Justeringsdatumet kan inte ligga före sammanträdesdatumet.",
        ("Kansliet",),
    ),
    Post(
        "remove-posting-too-early",
        "sekreterare",
        lambda w: f"/sammantraden/{w.approved_meeting.pk}/anslag/ta-ned/",
        lambda w: {"removed_on": "2026-09-20"},
        "Anslaget får inte tas ned före den",
    ),
    # Every other write of the secretary's pages: a bad value, or a write the § or meeting's
    # state does not allow.
    Post(
        "texts-title-empty",
        "sekreterare",
        lambda w: reverse("secretary:decision-texts", args=[w.decision.pk]),
        lambda w: {"title": "", "decision_text": "Ny beslutstext som ska stå kvar"},
        REQUIRED,
        ("Ny beslutstext som ska stå kvar",),
    ),
    Post(
        "motion-by-someone-not-present",
        "sekreterare",
        lambda w: reverse("secretary:decision-motion", args=[w.decision.pk]),
        lambda w: {"mover": w.outsider.pk, "text": "Bifall till motionen i sin helhet"},
        INVALID_CHOICE,
        ("Bifall till motionen i sin helhet",),
    ),
    Post(
        "recusal-person-not-a-number",
        "sekreterare",
        lambda w: reverse("secretary:decision-recusal", args=[w.decision.pk]),
        lambda w: {"person": "abc", "ground": "Släktskap med sökanden"},
        INVALID_CHOICE,
        ("Släktskap med sökanden",),
    ),
    Post(
        "immediate-justering-of-a-justerad-paragraph",
        "sekreterare",
        lambda w: reverse("secretary:decision-approve-immediately", args=[w.approved_decision.pk]),
        lambda w: {},
        "Paragrafen är justerad och kan inte ändras.",
        status=200,
        follow=True,
    ),
    Post(
        "correction-before-justering",
        "sekreterare",
        lambda w: reverse("secretary:decision-correction", args=[w.decision.pk]),
        lambda w: {"made_by": "Sekreteraren", "made_on": "2026-10-06", "what": "a", "why": "b"},
        "Rättelse görs bara i justerade paragrafer",
    ),
    Post(
        "dispatch-before-justering",
        "sekreterare",
        lambda w: reverse("secretary:decision-dispatch", args=[w.decision.pk]),
        lambda w: {"recipients": "Förvaltningen", "sent_on": "2026-10-06"},
        "är inte justerad och kan inte expedieras",
    ),
    Post(
        "minority-referral-counts-not-numbers",
        "sekreterare",
        lambda w: reverse("secretary:decision-minority-referral", args=[w.decision.pk]),
        lambda w: {"supporters": "0", "present": "tjugo", "motivation": "Mer underlag"},
        "Fyll i ett heltal.",
    ),
    Post(
        "attendance-nobody-present",
        "sekreterare",
        lambda w: reverse("secretary:meeting-attendance", args=[w.meeting.pk]),
        lambda w: {},
        "Ange minst en närvarande.",
    ),
    Post(
        "posting-date-impossible",
        "sekreterare",
        lambda w: reverse("secretary:meeting-post", args=[w.meeting.pk]),
        lambda w: {"posted_on": "2026-31-31", "minutes_kept_at": "Kansliet"},
        INVALID_DATE,
    ),
    Post(
        "posting-correction-date-impossible-and-no-reason",
        "sekreterare",
        lambda w: reverse("secretary:meeting-correct-posting", args=[w.approved_meeting.pk]),
        lambda w: {"posted_on": "2026-02-30", "reason": ""},
        INVALID_DATE,
    ),
    # Digital justering (rule 37): the secretary's forms and the justerare's.
    Post(
        "send-to-justering-without-justerare-or-confirmation",
        "sekreterare",
        lambda w: reverse("secretary:meeting-send-to-justering", args=[w.meeting.pk]),
        lambda w: {"place": "Kommunhuset"},
        "Välj minst en justerare.",
        ("Kommunhuset",),
    ),
    Post(
        "withdraw-from-justering-without-reason",
        "sekreterare",
        lambda w: reverse(
            "secretary:meeting-withdraw-justering", args=[on_justering(w).meeting_id]
        ),
        lambda w: {"reason": "   "},
        "Ange skälet till att protokollet dras tillbaka från justering.",
    ),
    Post(
        "paper-justering-date-impossible",
        "sekreterare",
        lambda w: reverse("secretary:meeting-paper-justering", args=[on_justering(w).meeting_id]),
        lambda w: {f"signed_on_{on_justering(w).approvals.first().pk}": "2026-02-30"},
        INVALID_DATE,
        ("2026-02-30",),
    ),
    Post(
        "justering-code-not-six-digits",
        "justerare",
        lambda w: reverse("secretary:justering-approve", args=[on_justering(w).meeting_id]),
        lambda w: {"code": "12ab56"},
        "Ange engångskoden med sex siffror.",
        ("12ab56",),
    ),
    Post(
        "justering-comment-empty",
        "justerare",
        lambda w: reverse("secretary:justering-comment", args=[on_justering(w).meeting_id]),
        lambda w: {"comment": ""},
        "Skriv en kommentar.",
    ),
    Post(
        "year-protocols-unknown-organ-and-year-in-words",
        "sekreterare",
        lambda w: reverse("secretary:protocol-batch-create"),
        lambda w: {"organ": "999999", "year": "tjugo"},
        "Välj ett organ i listan.",
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in POSTS])
def test_bad_input_to_a_secretarys_page(case: Post, world, media_root):
    check_post(case, world, media_root)


def _write_pages() -> set[str]:
    """Every URL name of the diarium's and the secretary's pages whose view handles a POST."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield f"{namespace}{pattern.name}", inspect.unwrap(pattern.callback)

    return {
        name
        for name, view in walk(get_resolver().url_patterns)
        if name.startswith(("cases:", "secretary:")) and "POST" in inspect.getsource(view)
    }


def test_every_page_that_takes_a_post_has_a_bad_input_case(world):
    """The tables reach every form: a new page that writes gets its bad-input cases, or this
    fails and names it."""
    covered = {
        resolve(urlsplit(case.url(world)).path).view_name
        for case in (*POSTS, *REGISTRATOR_POSTS)
        if case.method != "get"
    }
    write_pages = _write_pages()
    assert len(write_pages) >= 15, write_pages  # the walk found the pages
    assert write_pages - covered == set()
