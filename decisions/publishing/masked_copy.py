"""The copy of a handling released with masking (rule 43): a new PDF/A typed from the
handling's text with every masked word replaced — never a black box over text still in the
file. Text, title and metadata hold none of the masked words; nothing of the original file is
embedded. The text is the handling's stored text, or for a PDF without one its text layer
(poppler's ``pdftotext``)."""

from __future__ import annotations

import re
import subprocess

from django.template.loader import render_to_string

from cases.models import DisclosureDecision
from decisions.publishing import pdf

MASK = "[maskerat]"


def _source_text(document) -> str:
    if document.text.strip():
        return document.text
    if document.file and document.file.name.lower().endswith(".pdf"):
        with document.file.open("rb") as f:
            data = f.read()
        done = subprocess.run(  # noqa: S603 — a fixed program, the file on stdin
            ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, timeout=60
        )
        if done.returncode == 0:
            return done.stdout.decode("utf-8", "replace")
    return ""


def mask(text: str, words: list[str]) -> str:
    """``text`` with every occurrence of each word or phrase (any case, any spacing between
    the words of a phrase) replaced by ``MASK``."""
    for word in sorted(words, key=len, reverse=True):
        pattern = r"\s+".join(re.escape(part) for part in word.split())
        text = re.sub(pattern, MASK, text, flags=re.IGNORECASE)
    return text


def render(decision: DisclosureDecision) -> bytes:
    """The masked copy of ``decision``'s handling (an outcome "lämnas ut med maskning")."""
    document = decision.document
    words = decision.words_to_mask
    context = {
        "number": document.number,
        "date": document.date,
        "description": mask(document.description, words),
        "counterpart": mask(document.counterpart, words),
        "text": mask(_source_text(document), words),
        "ground": decision.ground,
        "decided_on": decision.decided_on,
        "decided_by": decision.decided_by,
        "organisation": document.case.register.organisation.name,
    }
    return pdf.html_to_pdf(render_to_string("decisions/pdf/masked_copy.html", context))
