"""The project's URL × role matrix (issues 5 and 6).

Every URL pattern of the URLconf is resolved from ``get_resolver()``; its int parameters are
filled with real objects — a public one and a secret (or unapproved) one — and each role gets
the status declared in ``EXPECTED`` below. A URL with no row there FAILS
``test_every_url_has_a_row_in_the_matrix`` with the row to add, so a new page cannot go
unreviewed. The same responses are searched for the secret markers (rules 21, 23): a secret
case's ärendemening or a secret handling's description must not reach a role without access on
any surface — lists, search, API, history, decision pages and PDFs.

CSRF (issue 6): every URL answers a POST without a token with 403, except the documented
bearer-token API endpoint.
"""

import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

import pytest
from django.contrib.admin import site as admin_site
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import DisclosureDecision, DocumentRequest
from cases.services import add_document, register_case
from decisions.models import Approval, Correction, Decision, JusteringRound, Meeting
from insjoriket.access import setup_roles
from members.models import Membership
from tests.factories import SECRET, make_organ, make_organisation, make_person, make_register

# --- Roles ---------------------------------------------------------------------------------

ANON, NOROLE, REG, SEC, ELECT, ADMIN = (
    "anonymous",
    "utan roll",
    "registrator",
    "sekreterare",
    "förtroendevald",
    "administratör",
)
ROLES = (ANON, NOROLE, REG, SEC, ELECT, ADMIN)
# Roles that may read secret cases and handlingar (insjoriket.access.ROLES_WITH_SECRET_ACCESS).
SECRET_ROLES = {REG, ADMIN}

# --- Expected answers ------------------------------------------------------------------------

LOGIN = "302→login"  # a redirect to /logga-in/?next=…
ADMIN_LOGIN = "302→admin-login"  # the admin's own login page
ANY = "any non-5xx"  # only for admin pages whose answer is the admin's own business


def per_role(anonymous, no_role, registrator, secretary, elected, administrator):
    return dict(
        zip(
            ROLES, (anonymous, no_role, registrator, secretary, elected, administrator), strict=True
        )
    )


OPEN = per_role(200, 200, 200, 200, 200, 200)
REDIRECT = per_role(302, 302, 302, 302, 302, 302)
NOT_FOUND = per_role(404, 404, 404, 404, 404, 404)
GET_NOT_ALLOWED = per_role(405, 405, 405, 405, 405, 405)
LOGGED_IN = per_role(LOGIN, 200, 200, 200, 200, 200)
READERS = per_role(LOGIN, 403, 200, 200, 200, 200)  # any of the four roles
SECRET_READERS = per_role(LOGIN, 403, 200, 403, 403, 200)
REGISTRATORS = per_role(LOGIN, 403, 200, 403, 403, 200)  # cases.add_case and friends
SECRETARIES = per_role(LOGIN, 403, 403, 200, 403, 200)  # decisions.change_*
STAFF_ONLY = per_role(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ANY)

# url name → expectation for every target, or {target: expectation} per target.
# Targets: see TARGETS_BY_KIND. Keep this table sorted by URL prefix.
EXPECTED: dict[str, dict] = {
    # Project pages
    "home": OPEN,
    "favicon": REDIRECT,  # → the static favicon.svg, for every role
    "login": OPEN,
    "logout": GET_NOT_ALLOWED,  # POST only (Django 5)
    "health": OPEN,
    "accessibility": OPEN,
    # Diarium (cases/urls.py)
    "cases:case-list": OPEN,
    "cases:search": OPEN,
    "cases:case-create": REGISTRATORS,
    # The public's register (issue 16 item 2): open to all, secret entries masked; the
    # diarium is searched for the secret word, the postlista shown for the secret handling's
    # day (QUERY_BY_URL), and the feed always shows what a visitor sees.
    "cases:public-register": OPEN,
    "cases:post-list": OPEN,
    "cases:post-list-feed": OPEN,
    # A secret case's page is shown masked (number, date, public title; rule 21).
    "cases:case-detail": OPEN,
    # The sekreterare files the protokoll's handlingar too (cases.add_document), but not in a
    # secret case: writing to it needs access to its content (rule 21).
    "cases:document-create": {
        "case": per_role(LOGIN, 403, 200, 200, 403, 200),
        "secret_case": SECRET_READERS,
    },
    "cases:case-close": GET_NOT_ALLOWED,  # POST only, checked before login
    "cases:case-reopen": GET_NOT_ALLOWED,
    "cases:case-link": REGISTRATORS,
    "cases:document-secrecy": {"document": REGISTRATORS, "secret_document": SECRET_READERS},
    # Begäran om allmän handling (rule 42): the menprövning reads secrets, so secret readers.
    "cases:request-list": SECRET_READERS,
    "cases:request-add": SECRET_READERS,
    "cases:request-detail": SECRET_READERS,
    "cases:masked-copy": SECRET_READERS,
    "cases:document-file": {
        "document": READERS,
        "secret_document": SECRET_READERS,
    },
    # JSON API (insjoriket/api.py; docs/api.md): the OpenAPI document and its interactive
    # page are open; /api/v1/ itself and any other address under it are a JSON 404.
    "api:openapi-json": OPEN,
    "api:openapi-view": OPEN,
    "api:api-root": NOT_FOUND,
    "api:not-found": NOT_FOUND,
    "api:registers": OPEN,
    # GET finds cases by number (here the secret case's); POST registers (bearer token).
    "api:cases": OPEN,
    "api:search": OPEN,
    # Beslutsuppföljning: open to all; each reader sees the uppdrag of §§ they may read.
    "history:task-list": OPEN,
    "history:task-report": OPEN,
    "history:task-report-pdf": OPEN,
    # PDFs (decisions/urls.py)
    # A justerad § of a public case is a public record: visitors get the extract too,
    # certified by the register; a secret case's § and an ojusterad § are not found for them.
    "decisions:extract-pdf": {
        "decision": OPEN,
        "secret_decision": per_role(404, 200, 200, 200, 200, 200),
        "draft_decision": per_role(404, 409, 409, 409, 409, 409),  # rule 30: justerat only
    },
    "decisions:protocol-pdf": {
        "meeting": OPEN,
        "draft_meeting": LOGGED_IN,
    },
    # Read pages for förtroendevalda (decisions/history_urls.py). A secret case's history is
    # not found for roles without access; its decision is a public § shown without the case's
    # secret title.
    # A secret case's entry is public, masked (OSL 5 kap. 2 §): the same answer on every door.
    "history:case-history": {"case": OPEN, "secret_case": OPEN},
    # A rättelse's sealed record: as the §'s extract (anonymous only for a public ärende).
    "history:correction-pdf": {
        "correction": OPEN,
        "secret_correction": per_role(404, 200, 200, 200, 200, 200),
    },
    "history:decision-detail": {
        "decision": OPEN,
        "secret_decision": OPEN,
        "draft_decision": per_role(404, 404, 200, 200, 200, 200),  # visitors: justerade only
    },
    "history:citation-list": SECRETARIES,
    # Anslagstavla (decisions/public_urls.py)
    "public:anslagstavla": OPEN,
    "public:anslagstavla-archive": OPEN,
    "public:anslagstavla-feed": OPEN,
    "public:anslagstavla-organ-feed": {"organ": OPEN},
    "public:protocols-feed": OPEN,
    # Secretary (decisions/secretary_urls.py): reading for every role, writing for the
    # sekreterare; the writing views take POST only and refuse GET before anything else.
    "secretary:meeting-list": READERS,
    "secretary:meeting-plan": SECRETARIES,
    # Skriv ut ett års protokoll (a Celery job): the form and the user's own orders; the ZIP is
    # fetched with ?id= of one's own finished order, so without one it is not found.
    "secretary:protocol-batch-create": SECRETARIES,
    "secretary:protocol-batch-list": SECRETARIES,
    "secretary:protocol-batch-download": per_role(LOGIN, 403, 403, 404, 403, 404),
    "secretary:meeting-detail": READERS,
    "secretary:meeting-attendance": SECRETARIES,
    "secretary:decision-add": GET_NOT_ALLOWED,
    "secretary:meeting-approve": GET_NOT_ALLOWED,
    # Digital justering (issue 13, rule 37): the secretary's writes are POST only; "Mina
    # protokoll att justera" answers every logged-in user (their own rounds, maybe none); a
    # round's page is for its signers and the sekreterare, and not found without an open round
    # (the draft meeting is on justering, its signer has no login here).
    "secretary:meeting-send-to-justering": GET_NOT_ALLOWED,
    "secretary:meeting-withdraw-justering": GET_NOT_ALLOWED,
    "secretary:meeting-paper-justering": GET_NOT_ALLOWED,
    "secretary:justering-list": LOGGED_IN,
    "secretary:justering-detail": {
        "meeting": per_role(LOGIN, 404, 404, 404, 404, 404),
        "draft_meeting": SECRETARIES,
    },
    "secretary:justering-approve": GET_NOT_ALLOWED,
    "secretary:justering-comment": GET_NOT_ALLOWED,
    "secretary:meeting-post": GET_NOT_ALLOWED,
    "secretary:meeting-remove": GET_NOT_ALLOWED,
    "secretary:meeting-correct-posting": GET_NOT_ALLOWED,
    "secretary:decision-detail": READERS,
    "secretary:decision-texts": GET_NOT_ALLOWED,
    "secretary:decision-motion": GET_NOT_ALLOWED,
    "secretary:decision-vote": SECRETARIES,
    "secretary:decision-reservation": GET_NOT_ALLOWED,
    "secretary:decision-recusal": GET_NOT_ALLOWED,
    "secretary:decision-approve-immediately": GET_NOT_ALLOWED,
    "secretary:decision-correction": GET_NOT_ALLOWED,
    "secretary:decision-dispatch": GET_NOT_ALLOWED,
    "secretary:decision-minority-referral": GET_NOT_ALLOWED,
    # Förbund and members (members/urls.py): public.
    "members:federation-list": OPEN,
    "members:federation-detail": {"federation": OPEN, "member": NOT_FOUND},
    "members:member-list": OPEN,
    "members:member-detail": {"federation": NOT_FOUND, "member": OPEN},
    # Read-only JSON API (docs/api.md)
    "api:case-detail": {"case": OPEN, "secret_case": OPEN},
    "api:decision": {
        "decision": OPEN,
        "secret_decision": OPEN,
        "draft_decision": per_role(404, 404, 200, 200, 200, 200),
    },
    "api:members": OPEN,
    "api:tasks": OPEN,
    # Each reader's counts are of what they may see: tests/decisions/test_task_report.py.
    "api:task-report": OPEN,
}

# --- How URL parameters are filled ------------------------------------------------------------

# Parameter name → the kind of object it names; a URL name may override (document-file's pk).
PARAM_KIND = {
    "pk": "case",
    "case_id": "case",
    "decision_id": "decision",
    "correction_id": "correction",
    "request_id": "document_request",
    "disclosure_id": "disclosure",
    "meeting_id": "meeting",
    "org_id": "org",
    "organ_id": "organ",
}
PARAM_KIND_BY_URL = {"cases:document-file": "document", "cases:document-secrecy": "document"}
# Kind → the objects every URL with such a parameter is requested with.
TARGETS_BY_KIND = {
    "case": ("case", "secret_case"),
    "document": ("document", "secret_document"),
    "decision": ("decision", "secret_decision", "draft_decision"),
    "correction": ("correction", "secret_correction"),
    "document_request": ("document_request",),
    "disclosure": ("disclosure",),
    "meeting": ("meeting", "draft_meeting"),
    "org": ("federation", "member"),
    "organ": ("organ",),
}
# Extra query strings: search surfaces are searched for the secret words themselves.
SECRET_WORD = "Sjöodjursutredningen"
SECRET_DOC_WORD = "Läkarintygsbilagan"
QUERY_BY_URL = {
    "cases:search": f"?q={SECRET_WORD}+{SECRET_DOC_WORD}",
    "cases:case-list": f"?q={SECRET_WORD}",
    "cases:public-register": f"?q={SECRET_WORD}",
    "cases:post-list": "?datum=2024-02-02",
    "api:search": f"?q={SECRET_WORD}",
    "api:cases": "?number={secret_case.number}",
}
# Markers that must not reach a role without secret access, on any page, JSON or PDF.
SECRET_MARKERS = (SECRET_WORD, SECRET_DOC_WORD, "Ingrid Hemligsson", "vårdcentralen")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    params: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            regex = entry.pattern.regex
            # Named parameters by name; the admin's unnamed regex groups as "?1", "?2" …
            params = tuple(regex.groupindex) or tuple(f"?{i}" for i in range(1, regex.groups + 1))
            if not entry.name:
                yield Route(f"<unnamed /{pattern}>", pattern, params)
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, pattern, params)


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.name, route)  # reverse() uses the first pattern of a name
    return list(seen.values())


def site_routes() -> list[Route]:
    return [r for r in all_routes() if not r.is_admin]


def kind_of(route: Route) -> str | None:
    if not route.params:
        return None
    (param,) = route.params  # one object per URL so far; more would need a new rule here
    return PARAM_KIND_BY_URL.get(route.name) or PARAM_KIND[param]


def expectation(route: Route, target: str | None) -> dict:
    row = EXPECTED[route.name]
    if set(row) <= set(ROLES):
        return row
    return row[target]


# --- The objects the URLs point at -------------------------------------------------------------

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def objects(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    federation = make_organisation(name="Samordningsförbundet Testriket", kind="federation")
    member = make_organisation(name="Testby kommun", kind="municipality")
    Membership.objects.create(federation=federation, member=member, joined_on=dt.date(2010, 1, 1))
    organ = make_organ(organisation=member, name="Kommunstyrelsen", code="KS")
    register = make_register(organisation=member, organ=organ, code="KS")
    case = register_case(register=register, title="Bygglov för förskola", year=2024)
    secret_case = register_case(
        register=register,
        title=f"{SECRET_WORD} om Ingrid Hemligsson",
        public_title="Ärende om enskild",
        year=2024,
        **SECRET,
    )
    document = add_document(
        case=case,
        date=dt.date(2024, 2, 1),
        direction="incoming",
        description="Ansökan om bygglov",
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    secret_document = add_document(
        case=case,
        date=dt.date(2024, 2, 2),
        direction="incoming",
        description=f"{SECRET_DOC_WORD} från vårdcentralen",
        public_title="Handling om enskild",
        file=SimpleUploadedFile("b.pdf", PDF),
        **SECRET,
    )
    meeting = Meeting.objects.create(organ=organ, held_on=dt.date(2024, 3, 4), place="Stadshuset")
    decision = Decision.objects.create(
        meeting=meeting, number=1, case=case, title="Bygglov", decision_text="Beviljas."
    )
    secret_decision = Decision.objects.create(
        meeting=meeting,
        number=2,
        case=secret_case,
        title="Ärende om enskild",
        decision_text="Beslutet fattas.",
    )
    # Justera and post after the §§ exist (a justerat protocol is read-only, rule 9).
    Meeting.objects.filter(pk=meeting.pk).update(
        approved_on=dt.date(2024, 3, 6), posted_on=dt.date(2024, 3, 7)
    )
    corrections = {
        name: Correction.objects.create(
            decision=d,
            made_by="Sekreteraren",
            made_on=dt.date(2024, 3, 8),
            what="Ett skrivfel i beslutet rättas.",
            why="Skrivfel.",
        )  # fmt: skip
        for name, d in (("correction", decision), ("secret_correction", secret_decision))
    }
    # A begäran for the secret handling, decided "lämnas ut med maskning" (rule 42, 43).
    document_request = DocumentRequest.objects.create(
        case=case, received_on=dt.date(2024, 3, 1), description="Handlingarna"
    )
    disclosure = DisclosureDecision.objects.create(
        request=document_request, document=secret_document, outcome="masked",
        ground="OSL 26 kap. 1 §", masked_words="vårdcentralen\nLäkarintygsbilagan",
        decided_on=dt.date(2024, 3, 2), decided_by="Registratorn",
    )  # fmt: skip
    draft_meeting = Meeting.objects.create(
        organ=organ, held_on=dt.date(2024, 4, 8), place="Stadshuset"
    )
    draft_decision = Decision.objects.create(
        meeting=draft_meeting, number=3, case=case, title="Utkast", decision_text="Utkast."
    )
    # The draft protocol is on justering (rule 37), its ordförande without a login.
    justering_round = JusteringRound.objects.create(meeting=draft_meeting, sent_at=timezone.now())
    Approval.objects.create(
        round=justering_round, person=make_person(name="Ordförande Utan Inloggning"), role="chair"
    )
    # A TOTP device, so that the admin's device pages are requested with one that exists
    # (django-otp's config and QR views answer 500 for a device that does not).
    signer = get_user_model().objects.create_user("matris-justerare", password="matris-lösen-1")
    TOTPDevice.objects.create(user=signer, name="app", confirmed=True)
    return {
        "case": case,
        "secret_case": secret_case,
        "document": document,
        "secret_document": secret_document,
        "meeting": meeting,
        "draft_meeting": draft_meeting,
        "decision": decision,
        "secret_decision": secret_decision,
        "draft_decision": draft_decision,
        **corrections,
        "document_request": document_request,
        "disclosure": disclosure,
        "federation": federation,
        "member": member,
        "organ": organ,
    }


def user_for(role: str):
    if role == ANON:
        return None
    user = get_user_model().objects.create_user(
        username=f"matris-{role}", password="matris-lösenord-1", is_staff=(role == ADMIN)
    )
    if role != NOROLE:
        user.groups.add(Group.objects.get(name=role))
    return user


def requests_for(route: Route, objects) -> list[tuple[str | None, str]]:
    """(target, url) pairs to request for ``route``."""
    kind = kind_of(route)
    if kind is None:
        query = QUERY_BY_URL.get(route.name, "").format(**objects)
        return [(None, reverse(route.name) + query)]
    (param,) = route.params
    return [
        (target, reverse(route.name, kwargs={param: objects[target].pk}))
        for target in TARGETS_BY_KIND[kind]
    ]


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content.startswith(b"%PDF"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(content))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except (PdfReadError, ValueError):  # the tests' stub files are not whole PDFs
            pass
    return content.decode("utf-8", "replace")


def markers_for(url: str) -> list[str]:
    """The secret markers to look for in the answer to ``url``; a search echoes its own
    query, so words that are in the query are left out."""
    query = unquote_plus(url.partition("?")[2])
    return [marker for marker in SECRET_MARKERS if marker not in query]


def check(response, expected, *, admin: bool) -> bool:
    status = response.status_code
    if expected == ANY:
        return status < 500
    if expected in (LOGIN, ADMIN_LOGIN):
        login = reverse("admin:login") if expected == ADMIN_LOGIN else reverse("login")
        return status == 302 and response["Location"].split("?")[0] == login
    return status == expected


# --- The tests ----------------------------------------------------------------------------------


def test_every_url_has_a_row_in_the_matrix():
    missing, stale, bad_targets = [], [], []
    names = {route.name for route in site_routes()}
    for route in site_routes():
        if route.name not in EXPECTED:
            kind = kind_of(route) if all(p in PARAM_KIND for p in route.params) else "?"
            hint = (
                "{" + ", ".join(f'"{t}": ...' for t in TARGETS_BY_KIND[kind]) + "}"
                if kind and kind != "?"
                else "per_role(anonymous, utan roll, registrator, sekreterare, "
                "förtroendevald, administratör)"
            )
            missing.append(f"  {route.name!r} (/{route.pattern}): {hint}")
            continue
        for param in route.params:
            if param not in PARAM_KIND:
                bad_targets.append(f"  {route.name}: no PARAM_KIND for parameter {param!r}")
        row = EXPECTED[route.name]
        if not set(row) <= set(ROLES):
            wanted = set(TARGETS_BY_KIND[kind_of(route)])
            if set(row) != wanted:
                bad_targets.append(f"  {route.name}: targets {sorted(row)} ≠ {sorted(wanted)}")
    stale = [f"  {name!r}" for name in EXPECTED if name not in names]

    message = []
    if missing:
        message.append("URLs with no expected statuses in tests/test_access_matrix.py EXPECTED:")
        message += missing
    if stale:
        message.append("Rows for URL names that no longer exist:")
        message += stale
    if bad_targets:
        message += bad_targets
    assert not message, "\n" + "\n".join(message)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_url(objects, role):
    setup_roles()
    client = Client()
    user = user_for(role)
    if user:
        client.force_login(user)

    failures, leaks = [], []
    for route in site_routes():
        if route.name not in EXPECTED:
            # Reported by test_every_url_has_a_row_in_the_matrix. MATRIX_DUMP=file prints
            # what each role gets today, to review before writing the row.
            if os.environ.get("MATRIX_DUMP") and all(p in PARAM_KIND for p in route.params):
                with open(os.environ["MATRIX_DUMP"], "a", encoding="utf-8") as dump:
                    for target, url in requests_for(route, objects):
                        response = client.get(url)
                        leaked = [m for m in markers_for(url) if m in body_text(response)]
                        print(
                            route.name,
                            target,
                            role,
                            response.status_code,
                            response.get("Location", ""),
                            leaked,
                            file=dump,
                        )
            continue
        for target, url in requests_for(route, objects):
            expected = expectation(route, target)[role]
            response = client.get(url)
            if not check(response, expected, admin=False):
                where = response.get("Location", "")
                failures.append(f"  {url} ({target}): got {response.status_code} {where}")
                failures[-1] += f", expected {expected}"
            if role not in SECRET_ROLES and response.status_code == 200:
                text = body_text(response)
                leaks += [f"  {url}: {marker!r}" for marker in markers_for(url) if marker in text]

    assert not failures, f"\n{role}:\n" + "\n".join(failures)
    assert not leaks, f"\nSecret content reached {role} (rules 21, 23):\n" + "\n".join(leaks)


# Requested without a query string (folded in from the former tests/cases/test_access_matrix.py;
# EXPECTED above requests these URLs with QUERY_BY_URL's query): the list and the searches
# answer everyone, and GET /api/v1/cases/ without ?number= is a bad request (docs/api.md).
WITHOUT_QUERY = {
    "cases:case-list": OPEN,
    "cases:public-register": OPEN,
    "cases:post-list": OPEN,
    "cases:search": OPEN,
    "api:search": OPEN,
    "api:cases": per_role(400, 400, 400, 400, 400, 400),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_without_a_query_string(objects, role):
    setup_roles()
    client = Client()
    user = user_for(role)
    if user:
        client.force_login(user)

    got = {name: client.get(reverse(name)).status_code for name in WITHOUT_QUERY}

    assert got == {name: row[role] for name, row in WITHOUT_QUERY.items()}


def test_the_secret_markers_do_reach_the_roles_with_access(objects):
    """The leak check above means something only if the secret words are on the pages for
    those who may read them: the search finds the case, the case page shows its title."""
    setup_roles()
    client = Client()
    client.force_login(user_for(REG))
    secret_case = objects["secret_case"]

    search = client.get(reverse("cases:search") + f"?q={SECRET_WORD}")
    page = client.get(reverse("cases:case-detail", args=[secret_case.pk]))
    api = client.get(reverse("api:search") + f"?q={SECRET_WORD}")
    document_page = client.get(reverse("cases:case-detail", args=[objects["case"].pk]))

    assert SECRET_WORD in search.content.decode()
    assert SECRET_WORD in page.content.decode()
    assert SECRET_DOC_WORD in document_page.content.decode()
    assert api.status_code == 200
    # The API's answer for a visitor is the same search with the secret case left out.
    visitor = Client().get(reverse("api:search") + f"?q={SECRET_WORD}").json()
    assert "Hemligsson" not in str(visitor)


# --- Admin ---------------------------------------------------------------------------------------


def admin_model_for(route: Route):
    for model in admin_site._registry:
        meta = model._meta
        if route.name.startswith(f"admin:{meta.app_label}_{meta.model_name}_") or (
            route.pattern.startswith(f"admin/{meta.app_label}/{meta.model_name}/")
        ):
            return model
    return None


def admin_url(route: Route, objects) -> str:
    """A URL for any admin pattern: the objects of the matrix for the case and document
    pages, another object of the model (or 1) elsewhere."""
    from django.contrib.contenttypes.models import ContentType

    if not route.params:
        return reverse(route.name)
    model = admin_model_for(route)
    obj = objects["secret_case"] if model is None else None
    if model is not None:
        by_model = {"case": "case", "document": "secret_document", "meeting": "meeting"}
        key = by_model.get(model._meta.model_name)
        obj = objects[key] if key and model is type(objects[key]) else model.objects.first()
    pk = str(obj.pk) if obj is not None else "1"
    values = {
        "object_id": pk,
        "id": pk,
        "pk": pk,  # django-otp's TOTP device pages (config, QR code)
        "content_type_id": str(ContentType.objects.get_for_model(type(objects["case"])).pk),
        "app_label": "cases",
        "url": "ingen-sadan-sida/",
    }
    if route.params[0].startswith("?"):  # simple_history: object id, history id
        history = getattr(obj, "history", None)
        history_id = str(history.first().history_id) if history is not None else "1"
        return reverse(route.name, args=[pk, history_id])
    if route.name.startswith("<unnamed"):
        url = "/" + route.pattern
        for param in route.params:
            url = re.sub(
                r"<(?:\w+:)?" + param + r">|\(\?P<" + param + r">[^)]*\)", values[param], url
            )
        return url.replace("$", "")
    return reverse(route.name, kwargs={p: values[p] for p in route.params})


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_is_closed_to_everyone_but_staff(objects, role):
    """Every admin pattern, with parameters filled: a redirect to the admin login for users
    who are not staff; for the staff administratör an answer, never a server error."""
    setup_roles()
    client = Client(raise_request_exception=False)
    user = user_for(role)
    if user:
        client.force_login(user)

    failures = []
    routes = [r for r in all_routes() if r.is_admin and r.name != "admin:login"]
    for route in routes:
        url = admin_url(route, objects)
        response = client.get(url)
        if route.name == "admin:logout" and role != ADMIN:
            # The admin sends anyone not staff from its logout URL to its index (→ login).
            if response.status_code == 302 and response["Location"] == reverse("admin:index"):
                continue
        if not check(response, STAFF_ONLY[role], admin=True):
            failures.append(f"  {route.name} {url}: {response.status_code}")

    assert not failures, f"\n{role}:\n" + "\n".join(failures)
    assert len(routes) > 200


def test_the_administrator_reads_cases_in_the_admin_and_the_register_models_are_there(objects):
    setup_roles()
    client = Client()
    client.force_login(user_for(ADMIN))
    for model in ("case", "document", "register"):
        assert client.get(reverse(f"admin:cases_{model}_changelist")).status_code == 200
    change = client.get(reverse("admin:cases_case_change", args=[objects["secret_case"].pk]))
    assert change.status_code == 200
    assert {m._meta.label for m in admin_site._registry} >= {"cases.Case", "decisions.Meeting"}


# --- CSRF ----------------------------------------------------------------------------------------

# URL names that take a POST without a CSRF token, and why (documented in docs/api.md).
CSRF_EXEMPT = {"api:cases": "POST /api/v1/cases/ authenticates with a bearer token, no cookie"}


def refused(route: Route, response) -> bool:
    """A page refuses a POST without a CSRF token with 403. The JSON API takes no write by the
    session cookie at all: its other URLs refuse a POST as JSON, 405 (GET only) or 404."""
    if not route.pattern.startswith("api/v1/"):
        return response.status_code == 403
    return response.status_code in (404, 405) and response["Content-Type"] == "application/json"


def test_every_post_without_a_csrf_token_is_refused(objects):
    """Issue 6: CSRF on every POST. Logged in as a superuser, so that only the missing token
    can be the reason for the refusal."""
    superuser = get_user_model().objects.create_superuser("csrf-admin", "", "csrf-lösenord-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)

    not_refused = []
    for route in all_routes():
        if route.name in CSRF_EXEMPT or "<unnamed" in route.name:
            continue
        if route.is_admin and route.params:
            continue  # every admin view is csrf_protect'ed by AdminSite; checked below by name
        if not route.is_admin and route.params and any(p not in PARAM_KIND for p in route.params):
            not_refused.append(f"  {route.name}: unknown parameter")
            continue
        for _target, url in requests_for(route, objects)[:1]:
            response = client.post(url, {"x": "1"})
            if not refused(route, response):
                not_refused.append(f"  {route.name} {url}: {response.status_code}")

    assert not_refused == [], "\nPOST without a CSRF token was not refused:\n" + "\n".join(
        not_refused
    )


def test_a_post_with_the_token_passes_the_csrf_check(db):
    """The counter-test: the same client with a token from the login form logs in."""
    get_user_model().objects.create_user("tokenanv", "", "token-lösenord-1")
    client = Client(enforce_csrf_checks=True)
    form = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]

    response = client.post(
        reverse("login"),
        {"username": "tokenanv", "password": "token-lösenord-1", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302


def test_the_bearer_token_api_is_the_documented_exemption(db):
    """POST /api/v1/cases/ without a token and without a CSRF token: refused by the bearer
    check (401), not by CSRF (403) — the exemption is the endpoint's own authentication."""
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("api:cases"), data={"title": "x"}, content_type="application/json"
    )

    assert response.status_code == 401


# --- Navigation ------------------------------------------------------------------------------


def test_the_menu_marks_the_current_page_and_shows_meetings_only_to_readers_of_them(db):
    setup_roles()
    visitor = Client().get(reverse("cases:case-list")).content.decode()
    elected = Client()
    elected.force_login(user_for(ELECT))
    page = elected.get(reverse("cases:search")).content.decode()

    assert 'href="/arenden/" aria-current="page"' in visitor
    assert 'href="/sammantraden/"' not in visitor
    for href in ('"/anslagstavla/"', '"/forbund/"', '"/arenden/sok/"'):
        assert f"href={href}" in visitor
    assert 'href="/arenden/sok/" aria-current="page"' in page
    assert 'href="/arenden/" aria-current' not in page
    assert 'href="/sammantraden/"' in page


def test_the_administrator_deactivates_users_but_cannot_delete_them(objects):
    """Users are deactivated, never deleted: the history records point at them (rule 23)."""
    setup_roles()
    client = Client()
    client.force_login(user_for(ADMIN))
    someone = user_for(ELECT)

    delete_page = client.get(reverse("admin:auth_user_delete", args=[someone.pk]))
    change_page = client.get(reverse("admin:auth_user_change", args=[someone.pk]))

    assert delete_page.status_code == 403
    assert change_page.status_code == 200
    assert 'name="is_active"' in change_page.content.decode()
