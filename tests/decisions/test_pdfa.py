"""PDF/A-2b and tagging of the protokollsutdrag and the protocol (rules 29 and 30), checked with
pikepdf (qpdf) — no mocked WeasyPrint.

veraPDF, the reference validator, is not installable here (it is in none of the package
registries this project can reach: not on PyPI, npm or in Debian), so these tests check the
machine-checkable PDF/A-2b clauses that WeasyPrint's output could break, plus the accessibility
properties rule 29 asks for (tagged, document language, title). They name the ISO 19005-2 clause
each check stands for.
"""

import datetime as dt
import io
import re

import pikepdf
import pytest
from weasyprint import HTML

from decisions.publishing import pdf
from tests.decisions.test_pdf import KF_BALLOTS, _approve, build_kf_128, build_ksau_9
from tests.factories import make_decision, make_meeting

pytestmark = pytest.mark.django_db

# Content-stream operators that select a device colour space other than RGB/Gray (CMYK needs a
# CMYK output intent; our output intent is sRGB).
CMYK_OPERATORS = {"k", "K"}
FORBIDDEN_CATALOG_KEYS = {"/AA", "/OCProperties", "/Collection", "/NeedsRendering"}
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript"}


def _fonts(pdf_file: pikepdf.Pdf):
    for obj in pdf_file.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
            yield obj


def pdfa_2b_problems(content: bytes) -> list[str]:
    """What in ``content`` breaks PDF/A-2b (ISO 19005-2, level B) or the tagging rule 29 asks
    for. Empty when nothing does."""
    problems = []
    # 6.1.2 File header: %PDF-1.n, then a comment of at least four bytes above 127.
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", content):
        problems.append("6.1.2 filhuvud")
    # 6.1.3 Trailer: no data after the last %%EOF.
    if content.rstrip()[-5:] != b"%%EOF":
        problems.append("6.1.3 data efter %%EOF")
    with pikepdf.open(io.BytesIO(content)) as p:
        # Structural validity of the whole file, as qpdf --check reports it.
        problems += [f"qpdf: {e}" for e in p.check_pdf_syntax()]
        root = p.Root
        # 6.1.3 Trailer: an ID, no encryption.
        if "/ID" not in p.trailer:
            problems.append("6.1.3 /ID saknas")
        if "/Encrypt" in p.trailer:
            problems.append("6.1.3 krypterad")
        # 6.1.7 Streams: no external file references.
        for obj in p.objects:
            if isinstance(obj, pikepdf.Stream) and {"/F", "/FFilter", "/FDecodeParms"} & set(
                obj.stream_dict.keys()
            ):
                problems.append("6.1.7 extern ström")
            if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Filter") == "/LZWDecode":
                problems.append("6.1.7 LZW")
        # 6.1.11 / 6.6.1 No embedded files, no JavaScript, no forbidden actions.
        names = root.get("/Names", {})
        if "/EmbeddedFiles" in names or "/JavaScript" in names:
            problems.append("6.1.11 inbäddade filer eller JavaScript")
        for obj in p.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") in FORBIDDEN_ACTIONS:
                problems.append(f"6.6.1 otillåten åtgärd {obj.get('/S')}")
        if FORBIDDEN_CATALOG_KEYS & set(root.keys()):
            problems.append("6.6.2 otillåten nyckel i katalogen")
        # 6.2.3 Output intent: one PDF/A intent with an embedded ICC profile.
        intents = [oi for oi in root.get("/OutputIntents", []) if oi.get("/S") == "/GTS_PDFA1"]
        if len(intents) != 1 or "/DestOutputProfile" not in intents[0]:
            problems.append("6.2.3 OutputIntent med ICC-profil saknas")
        # 6.2.4.3 Device colour: no CMYK with an RGB output intent.
        for page in p.pages:
            for _operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in CMYK_OPERATORS:
                    problems.append("6.2.4.3 DeviceCMYK utan CMYK-OutputIntent")
                    break
        # 6.2.11.4 Fonts: every font program embedded.
        for font in _fonts(p):
            if font.get("/Subtype") == "/Type0":
                continue  # checked through its descendant CIDFont
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs are content streams
            descriptor = font.get("/FontDescriptor")
            if descriptor is None or not {"/FontFile", "/FontFile2", "/FontFile3"} & set(
                descriptor.keys()
            ):
                problems.append(f"6.2.11.4 typsnittet {font.get('/BaseFont')} är inte inbäddat")
        # 6.3.2 Annotations: printable, not hidden.
        for page in p.pages:
            for annot in page.get("/Annots", []):
                flags = int(annot.get("/F", 0))
                if not flags & 4 or flags & (1 | 2 | 32):
                    problems.append("6.3.2 annotering utan utskriftsflagga")
        # 6.6.2.1 / 6.6.4 Metadata: XMP in the catalog identifying PDF/A-2B, and the title in
        # both the XMP and the document information dictionary.
        if "/Metadata" not in root:
            problems.append("6.6.2.1 XMP saknas")
        else:
            meta = p.open_metadata()
            if meta.pdfa_status != "2B":
                problems.append(f"6.6.4 pdfaid anger {meta.pdfa_status!r}, inte 2B")
            xmp_title = meta.get("dc:title")
            info_title = str(p.docinfo.get("/Title", ""))
            if not xmp_title or xmp_title != info_title:
                problems.append("6.6.3 titeln skiljer sig mellan XMP och Info")
        # Rule 29 (accessibility, PDF/UA-1 7.1): tagged, language, title shown.
        if not root.get("/MarkInfo", {}).get("/Marked"):
            problems.append("regel 29: inte taggad (MarkInfo)")
        if "/StructTreeRoot" not in root:
            problems.append("regel 29: strukturträd saknas")
        if str(root.get("/Lang", "")) != "sv":
            problems.append("regel 29: dokumentspråk är inte sv")
        if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
            problems.append("regel 29: titeln visas inte (DisplayDocTitle)")
        for page in p.pages:
            if "/StructParents" not in page:
                problems.append("regel 29: sida utan StructParents")
    return problems


def _structure_roles(content: bytes) -> list[str]:
    """The structure element types in document order."""
    roles = []
    with pikepdf.open(io.BytesIO(content)) as p:

        def walk(node):
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                roles.append(str(node.S)[1:])
                if "/K" in node:
                    walk(node.K)

        walk(p.Root.StructTreeRoot.get("/K"))
    return roles


def _extract(decision) -> bytes:
    return pdf.render_extract_pdf(
        decision=decision, certified_by="Karin Sekreterare", issued_on=dt.date(2024, 2, 1)
    )


def test_the_ksau_extract_is_pdfa_2b_and_tagged():
    """Rules 29, 30: KSAU 2024-01-24 § 9 from the seed."""
    assert pdfa_2b_problems(_extract(build_ksau_9())) == []


def test_the_kf_extract_with_its_voteringslista_is_pdfa_2b_and_tagged():
    """Rules 29, 30: KF Härryda 2020-06-15 § 128 with 50 ballots in a table."""
    content = _extract(build_kf_128(KF_BALLOTS))

    assert pdfa_2b_problems(content) == []
    roles = _structure_roles(content)
    assert roles.count("TH") >= 4  # Ledamot, Ja, Nej, Avstår
    assert roles.count("TR") >= len(KF_BALLOTS) + 1


def test_a_draft_protocol_is_pdfa_2b_and_tagged():
    """Rule 29: the draft, with its "Ojusterat" watermark and page marks, too."""
    meeting = make_meeting(held_on=dt.date(2024, 3, 4))
    make_decision(meeting=meeting, number=1)
    make_decision(meeting=meeting, number=2)

    assert pdfa_2b_problems(pdf.render_protocol_pdf(meeting=meeting)) == []


def test_a_justerat_protocol_is_pdfa_2b_and_tagged():
    meeting = make_meeting(held_on=dt.date(2024, 3, 4))
    make_decision(meeting=meeting, number=1)
    _approve(meeting, on=dt.date(2024, 3, 6))

    assert pdfa_2b_problems(pdf.render_protocol_pdf(meeting=meeting)) == []


def test_headings_of_an_extract_start_at_h1_and_do_not_skip_levels():
    """WCAG 1.3.1 in the tagged PDF: Protokollsutdrag (H1), the § title (H2), its sections
    (H3)."""
    headings = [r for r in _structure_roles(_extract(build_ksau_9())) if re.fullmatch("H\\d", r)]

    assert headings[0] == "H1"
    levels = [int(h[1]) for h in headings]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), headings


def test_the_checker_finds_what_breaks_pdfa():
    """The checker itself: a plain PDF (no PDF/A, no tags) fails on the clauses it breaks."""
    decision = build_ksau_9()
    html = pdf.render_extract_html(
        decision=decision, certified_by="K", issued_on=dt.date(2024, 2, 1)
    )
    plain = HTML(string=html).write_pdf()

    problems = pdfa_2b_problems(plain)

    assert any(p.startswith("6.2.3") for p in problems)
    assert any(p.startswith("6.6.2.1") for p in problems)
    assert any("taggad" in p for p in problems)
