"""One search box for everything a user may see: ärenden, handlingar and §§.

Words are matched with PostgreSQL full-text search in the built-in ``swedish`` configuration,
over the stored ``search_vector`` columns of the models, with GIN indexes, ranked
with ``ts_rank_cd`` on the stored vectors and shown with ``ts_headline`` snippets for the shown
hits only. No extension is needed (the embedded PostgreSQL has none), so the
same code runs on the embedded server, in CI and in production.

The ``swedish`` snowball stemmer leaves definite forms alone (``beslutet``, ``ärendet``,
``skolan``) and does not split compounds (``bygglovsansökan``). Each query word therefore
matches, as a prefix, both its snowball stem and a light stem that strips the Swedish
definite and plural endings (``beslutet`` → ``beslut:*``, ``skolan`` → ``skol:*``), which also
finds compounds that begin with the word (``bygglov`` → ``bygglovsansökan``). Measured by
``tests/cases/test_search_relevance.py``.

Diarienummer are found exactly and loosely (``2023.509``, ``509 KS``, ``2022ks554``,
``KS 2022/554``) through ``Case.number_key`` and (register code, year, serial).

Secret cases and handlingar never match a word search for users without access; a number
lookup shows them masked (the dnr and date are public, rule 21).
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.models import Case, Document, normalise_number, number_lookup, parse_number
from decisions.models import Decision, Meeting
from insjoriket.access import can_see_secret, can_see_unapproved_decisions

MAX_HITS = 50
# A word's hits of each kind that are ranked: the newest (see word_hits).
RANK_CANDIDATES = 2000
MAX_QUERY_WORDS = 8

# PostgreSQL's own list (tsearch_data/swedish.stop): words the swedish configuration drops.
SWEDISH_STOPWORDS = frozenset(
    """och det att i en jag hon som han på den med var sig för så till är men ett om hade de av
    icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något
    från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under någon eller
    allt mycket sedan ju denna själv detta åt utan varit hur ingen mitt ni bli blev oss din dessa
    några deras blir mina samma vilken er sådan vår blivit dess inom mellan sådant varför varje
    vilka ditt vem vilket sitta sådana vart dina vars vårt våra ert era vilkas""".split()
)

# Definite and plural endings, longest first. The stem keeps at least MIN_STEM letters.
SUFFIXES = (
    "arnas",
    "ernas",
    "ornas",
    "arna",
    "erna",
    "orna",
    "ande",
    "ende",
    "heten",
    "ens",
    "ets",
    "et",
    "en",
    "an",
    "na",
    "ar",
    "er",
    "or",
    "a",
    "e",
    "n",
    "t",
)
MIN_STEM = 4


# Stored, generated tsvector columns with GIN indexes (the models' ``search_vector``
# GeneratedFields): matching and ranking read them instead of parsing the texts again.
CASE_VECTOR = Case._meta.get_field("search_vector").column
DOCUMENT_VECTOR = Document._meta.get_field("search_vector").column
DECISION_VECTOR = Decision._meta.get_field("search_vector").column

HEADLINE_OPTIONS = (
    'StartSel="[[[", StopSel="]]]", MaxWords=30, MinWords=12, MaxFragments=2, '
    'FragmentDelimiter=" … "'
)

_WORD = re.compile(r"[^\W_]+")


def light_stem(word: str) -> str:
    """``beslutet`` → ``beslut``, ``skolan`` → ``skol``, ``ärenden`` → ``ärend``."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def query_words(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return [w for w in words if w not in SWEDISH_STOPWORDS][:MAX_QUERY_WORDS]


def tsquery_sql(words: list[str]) -> tuple[str, list[str]]:
    """SQL for the tsquery of ``words`` (all must match) and its parameters.

    Each word matches its snowball stem or its light stem. When the two agree (``bygglov``),
    only one term is kept: OR-ing two equal terms made PostgreSQL walk the GIN posting list
    twice (291 ms instead of 119 ms for a term in 34,571 §§ of the full-size register). The
    expression uses only immutable functions of constants, so the planner folds it to a
    constant tsquery and estimates the number of hits from the column's statistics.
    """
    parts, params = [], []
    for word in words:
        parts.append(
            "(CASE WHEN to_tsquery('swedish', %s) = to_tsquery('simple', %s)"
            " THEN to_tsquery('swedish', %s)"
            " ELSE to_tsquery('swedish', %s) || to_tsquery('simple', %s) END)"
        )
        stem = light_stem(word)
        prefix = ":*" if len(stem) >= 3 else ""
        full, light = f"{word}{':*' if len(word) >= 3 else ''}", f"{stem}{prefix}"
        params += [full, light, full, full, light]
    return "(" + " && ".join(parts) + ")", params


@dataclass
class Hit:
    kind: str  # "case", "document" or "decision"
    number: str
    title: str
    url: str
    snippet: SafeString
    rank: float
    date: object = None
    secret_under: str = ""  # the OSL ground, shown to those who may read secret items


def _snippet(text: str | None) -> SafeString:
    html = escape(text or "").replace("[[[", "<mark>").replace("]]]", "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only <mark> is added


def search(text: str, *, user) -> "Hits":
    """Number hits first (exact before loose), then word hits by rank."""
    may_see_secret = can_see_secret(user)
    hits = Hits(number_hits(text, may_see_secret=may_see_secret))
    if hits and parse_number(text) is not None:
        return hits  # a diarienummer that was found: no word search for its parts
    seen = {("case", hit.url) for hit in hits}
    words = query_words(text)
    if words:
        found = word_hits(words, user=user, may_see_secret=may_see_secret)
        hits.capped = found.capped
        hits.extend(hit for hit in found if (hit.kind, hit.url) not in seen)
    return hits


def number_hits(text: str, *, may_see_secret: bool) -> list[Hit]:
    condition = number_lookup(text)
    if condition is None:
        return []
    key = normalise_number(text)
    found = list(Case.objects.filter(condition).select_related("register")[:MAX_HITS])

    def order(case: Case):
        return (case.number_key != key, not case.number_key.startswith(key), -case.year)

    found.sort(key=order)
    return [
        Hit(
            kind="case",
            number=case.number,
            title=case.title_for(may_see_secret=may_see_secret),
            url=reverse("cases:case-detail", args=[case.pk]),
            snippet=mark_safe(""),
            rank=1000.0 if case.number_key == key else 500.0,
            date=case.opened_on,
            secret_under=case.secrecy_ground if case.is_secret and may_see_secret else "",
        )
        for case in found
    ]


class Hits(list):
    """The hits shown, and whether a word's hits were more than ``RANK_CANDIDATES`` of a kind
    (then the best of the newest are shown, and the page says so)."""

    capped = False


def cases_matching_words(queryset, words: list[str], *, user):
    """The ärenden of ``queryset`` whose ärendemening matches ``words`` as the search matches
    them (``tsquery_sql`` on the stored vector: one definition), for the diarium's word
    filter. Secret cases only for users with access: a word of a secret title neither finds
    nor counts its case (rule 21; secrecy includes inference)."""
    sql, params = tsquery_sql(words)
    matches = RawSQL(f'"cases_case"."{CASE_VECTOR}" @@ {sql}', params, output_field=BooleanField())
    return queryset.visible_to(user).filter(matches)


def draft_meetings_sql() -> str:
    """The ids of meetings whose decisions visitors don't see — neither justerat nor known from
    other documents — as SQL compiled from the one definition (``MeetingQuerySet.not_taken``):
    with ``approved_immediately`` it is the search's form of ``DecisionQuerySet.taken`` (a test
    compares the two on the same rows)."""
    sql, params = Meeting.objects.not_taken().order_by().values("id").query.sql_with_params()
    # Its constants (the empty text of known_from_sources) quoted by psycopg, not by hand.
    return connection.ops.compose_sql(sql, params)


def word_hits(words: list[str], *, user, may_see_secret: bool) -> Hits:
    """Match and rank on the stored vectors; ``ts_headline`` (which parses the text again)
    only for the ``MAX_HITS`` rows shown.

    A broad word matches tens of thousands of rows in a regional register (``bygglov``: 34,571
    §§ at full size), and ranking reads every matching row's vector. So each kind ranks its
    ``RANK_CANDIDATES`` newest matches (highest id: registered last), which PostgreSQL finds
    by walking the primary key backwards when matches are dense and through the GIN index
    when they are rare; a narrower query (more words) ranks all its hits. Titles, numbers and
    texts are joined for the rows shown only. The secrecy and justering filters are anti-joins
    against the few secret cases and unjusterade meetings, not a lookup per hit.
    """
    query, params = tsquery_sql(words)
    secret_ok = "TRUE" if may_see_secret else "FALSE"
    drafts_ok = "TRUE" if can_see_unapproved_decisions(user) else "FALSE"
    unjusterade_meetings = draft_meetings_sql()
    sql = f"""
        WITH case_c AS (
          SELECT c.id, c.{CASE_VECTOR} AS v FROM cases_case c
           WHERE c.{CASE_VECTOR} @@ {query} AND ({secret_ok} OR NOT c.is_secret)
           ORDER BY c.id DESC LIMIT {RANK_CANDIDATES}
        ),
        document_c AS (
          SELECT d.id, d.{DOCUMENT_VECTOR} AS v FROM cases_document d
           WHERE d.{DOCUMENT_VECTOR} @@ {query}
             AND ({secret_ok} OR (NOT d.is_secret AND d.case_id NOT IN
                  (SELECT s.id FROM cases_case s WHERE s.is_secret)))
           ORDER BY d.id DESC LIMIT {RANK_CANDIDATES}
        ),
        decision_c AS (
          SELECT p.id, p.{DECISION_VECTOR} AS v FROM decisions_decision p
           WHERE p.{DECISION_VECTOR} @@ {query}
             AND ({drafts_ok} OR p.approved_immediately OR p.meeting_id NOT IN
                  ({unjusterade_meetings}))
           ORDER BY p.id DESC LIMIT {RANK_CANDIDATES}
        ),
        ranked AS (
          (SELECT 'case' AS kind, 0 AS kind_order, id, ts_rank_cd(v, {query}) * 1.5 AS rank
             FROM case_c ORDER BY rank DESC, id DESC LIMIT {MAX_HITS})
          UNION ALL
          (SELECT 'document', 1, id, ts_rank_cd(v, {query}) AS rank
             FROM document_c ORDER BY rank DESC, id DESC LIMIT {MAX_HITS})
          UNION ALL
          (SELECT 'decision', 2, id, ts_rank_cd(v, {query}) AS rank
             FROM decision_c ORDER BY rank DESC, id DESC LIMIT {MAX_HITS})
        ),
        top AS (SELECT * FROM ranked ORDER BY rank DESC, kind_order, id DESC LIMIT {MAX_HITS}),
        shown AS (
          SELECT top.kind, top.kind_order, top.id, top.rank, c.id AS case_id, c.number,
                 c.title, c.opened_on AS date, c.title AS text,
                 CASE WHEN c.is_secret THEN c.secrecy_ground END AS secret_under
            FROM top JOIN cases_case c ON c.id = top.id WHERE top.kind = 'case'
          UNION ALL
          SELECT top.kind, top.kind_order, top.id, top.rank, c.id, c.number || ':' || d.serial,
                 d.description, d.date, d.description,
                 CASE WHEN d.is_secret THEN d.secrecy_ground
                      WHEN c.is_secret THEN c.secrecy_ground END
            FROM top JOIN cases_document d ON d.id = top.id
            JOIN cases_case c ON c.id = d.case_id WHERE top.kind = 'document'
          UNION ALL
          SELECT top.kind, top.kind_order, top.id, top.rank, p.case_id,
                 o.code || ' ' || COALESCE(p.year::text, '') || ' § ' ||
                     COALESCE(p.number::text, '?'),
                 p.title, m.held_on, p.title || ' ' || p.decision_text,
                 CASE WHEN pc.is_secret THEN pc.secrecy_ground END
            FROM top JOIN decisions_decision p ON p.id = top.id
            LEFT JOIN cases_case pc ON pc.id = p.case_id
            JOIN decisions_meeting m ON m.id = p.meeting_id
            JOIN members_organ o ON o.id = p.organ_id WHERE top.kind = 'decision'
        )
        SELECT kind, case_id, number, title, date, rank,
               ts_headline('swedish', text, {query}, %s), secret_under,
               GREATEST((SELECT count(*) FROM case_c), (SELECT count(*) FROM document_c),
                        (SELECT count(*) FROM decision_c)) >= {RANK_CANDIDATES}
          FROM shown
         ORDER BY rank DESC, kind_order, id DESC
    """
    all_params = params * 7 + [HEADLINE_OPTIONS]
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        rows = cursor.fetchall()
    hits = Hits(
        Hit(
            kind=kind,
            number=number,
            title=title,
            url=reverse("cases:case-detail", args=[case_id]) if case_id else "",
            snippet=_snippet(headline),
            rank=float(rank),
            date=date,
            secret_under=(secret_under or "") if may_see_secret else "",
        )
        for kind, case_id, number, title, date, rank, headline, secret_under, _capped in rows
    )
    hits.capped = bool(rows and rows[0][8])
    return hits
