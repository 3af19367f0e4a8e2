"""Content checks on an uploaded handling beyond its type (cases.forms.check_upload): what a
file could do when a registrator, a politician or a member of the public opens it.

Refused, each with its reason in Swedish:
- a PDF with active content: JavaScript, launch actions (start a program), form submission or
  data import, rich media, embedded files, or encryption (its streams could not be checked, and
  an archive copy must be readable without a password);
- a polyglot: a file that is also another format — a ZIP archive (read by ``zipfile`` as a
  whole, not by a signature anywhere), or HTML/script, or a PDF header where a browser or a PDF
  reader would find it;
- a decompression bomb: a DOCX/ODT (ZIP) or a PDF whose content unpacks to more than
  ``MAX_UNPACKED_BYTES``, a ZIP with more than ``MAX_ZIP_MEMBERS`` members, an image of more than
  ``MAX_IMAGE_PIXELS`` pixels.

The PDF check reads the file's dictionaries (its bytes outside streams, and its object streams
unpacked, where a name can hide), with PDF name escapes (``/J#53``) undone. It is a filter
before storage, not a malware scanner; docs/deployment.md says where one belongs.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UNPACKED_BYTES = 250 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_IMAGE_PIXELS = 100_000_000
# How far into a file a reader or a browser looks for a header of another format.
SNIFF_BYTES = 1024

PDF_ACTIVE_CONTENT = _(
    "PDF-filen innehåller aktivt innehåll (%(what)s) och tas inte emot. Skriv ut den till en "
    'ny PDF (t.ex. "Skriv ut som PDF") och ladda upp den igen.'
)
PDF_ENCRYPTED = _(
    "PDF-filen är krypterad eller lösenordsskyddad. En handling i diariet ska gå att läsa utan "
    "lösenord: spara den utan skydd och ladda upp den igen."
)
POLYGLOT = _(
    "Filen är samtidigt en annan filtyp (%(what)s) och tas inte emot. Spara dokumentet på nytt "
    "från programmet det skrevs i och ladda upp det igen."
)
BOMB = _(
    "Filen packas upp till mer än vad registret tar emot (%(what)s). Kontrollera filen och "
    "ladda upp en mindre version."
)

# PDF names that make a file do something when opened (ISO 32000-1, 12.6 Actions, 7.11
# Embedded files, 13.6 Rich media), as what the message says.
_ACTIVE = {
    b"JavaScript": "JavaScript",
    b"JS": "JavaScript",
    b"Launch": "startar ett program",
    b"SubmitForm": "skickar formulärdata",
    b"ImportData": "hämtar data",
    b"RichMedia": "inbäddad media",
    b"EmbeddedFile": "bifogade filer",
    b"EmbeddedFiles": "bifogade filer",
    b"XFA": "XFA-formulär",
}
_NAME = re.compile(rb"/([A-Za-z0-9#]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_HTML = re.compile(rb"<\s*(?:html|script|svg|body|iframe)\b", re.IGNORECASE)


def check_content(kind: str, upload) -> None:
    """Refuse what the module's docstring lists, for a file whose type ``kind`` (``pdf``,
    ``docx``, ``odt``, ``png``, ``jpeg``) is already known. Leaves the file at position 0."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    _refuse_polyglot(kind, data, upload)
    if kind == "pdf":
        _refuse_active_pdf(data)
    elif kind in ("docx", "odt"):
        _refuse_zip_bomb(upload)
    elif kind == "png":
        _refuse_large_png(data)
    elif kind == "jpeg":
        _refuse_large_jpeg(data)
    upload.seek(0)


def _refuse(message, what: str, code: str):
    raise ValidationError(message, code=code, params={"what": what})


def _refuse_polyglot(kind: str, data: bytes, upload) -> None:
    head = data[:SNIFF_BYTES]
    if _HTML.search(head):
        _refuse(POLYGLOT, "HTML", "polyglot")
    if kind != "pdf" and b"%PDF-" in head:
        _refuse(POLYGLOT, "PDF", "polyglot")
    if kind in ("pdf", "png", "jpeg"):
        upload.seek(0)
        if zipfile.is_zipfile(upload):
            _refuse(POLYGLOT, "ZIP-arkiv", "polyglot")
        upload.seek(0)
    trailer = _image_trailer(kind, data)
    if trailer is not None and trailer.strip(b"\x00\r\n\t "):
        _refuse(POLYGLOT, _("data efter bildens slut"), "polyglot")


def _image_trailer(kind: str, data: bytes) -> bytes | None:
    """What follows the end of a PNG (its IEND chunk) or a JPEG (the last EOI marker)."""
    if kind == "png":
        end = data.rfind(b"IEND")
        return data[end + 8 :] if end >= 0 else None
    if kind == "jpeg":
        end = data.rfind(b"\xff\xd9")
        return data[end + 2 :] if end >= 0 else None
    return None


def _names(chunk: bytes):
    for match in _NAME.finditer(chunk):
        yield _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))


def _pdf_parts(data: bytes):
    """Where a PDF's names stand: its bytes with every stream's body cut out (image and page
    data would match names by chance), then each object stream unpacked (where dictionaries
    can hide). Every Flate stream is unpacked once to count its size: more than
    MAX_UNPACKED_BYTES in all is a bomb."""
    skeleton, last = [], 0
    budget = MAX_UNPACKED_BYTES
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        skeleton.append(data[last:start])
        last = end
        head = data[max(0, data.rfind(b"obj", 0, match.start())) : match.start()]
        if b"FlateDecode" not in head:
            continue
        unpacker = zlib.decompressobj()
        try:
            part = unpacker.decompress(data[start:end], budget + 1)
        except zlib.error:
            continue  # not a stream anyone can read
        if len(part) > budget or unpacker.unconsumed_tail:
            _refuse(BOMB, _("komprimerat PDF-innehåll över 250 MB"), "bomb")
        budget -= len(part)
        if b"ObjStm" in head:
            yield part
    skeleton.append(data[last:])
    yield b"".join(skeleton)


def _refuse_active_pdf(data: bytes) -> None:
    for part in _pdf_parts(data):
        for name in _names(part):
            if name == b"Encrypt":
                raise ValidationError(PDF_ENCRYPTED, code="pdf_encrypted")
            if name in _ACTIVE:
                _refuse(PDF_ACTIVE_CONTENT, _ACTIVE[name], "pdf_active")


def _refuse_zip_bomb(upload) -> None:
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            _refuse(BOMB, _("fler än 5 000 delar"), "bomb")
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            _refuse(BOMB, _("över 250 MB uppackat"), "bomb")


def _refuse_large_png(data: bytes) -> None:
    # The IHDR chunk follows the 8-byte signature: length, "IHDR", width, height (big-endian).
    if data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        if width * height > MAX_IMAGE_PIXELS:
            _refuse(BOMB, _("en bild på mer än 100 miljoner bildpunkter"), "bomb")


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _refuse_large_jpeg(data: bytes) -> None:
    """Walk the JPEG's marker segments to its frame header (SOFn): height, width."""
    i = 2
    while i + 9 < len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            if width * height > MAX_IMAGE_PIXELS:
                _refuse(BOMB, _("en bild på mer än 100 miljoner bildpunkter"), "bomb")
            return
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
