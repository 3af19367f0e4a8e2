"""Uploads that fail cleanly (issue 17, item 5): active PDFs, polyglots and bombs are refused
by their content with a Swedish reason (cases.uploads); a file store that refuses the write
(ENOSPC, EROFS, as a storage double at the process boundary) and a database that goes away
after the file was stored leave neither a row nor a file, and the page answers 503 with the
form kept."""

import errno
import io
import os
import zipfile
import zlib

import pikepdf
import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from weasyprint import HTML

from cases.forms import check_upload
from cases.models import Document
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _weasyprint_pdf() -> bytes:
    return HTML(string="<h1>Skrivelse</h1><p>Om vägbelysning på Åsen.</p>").write_pdf()


def _with(pdf: bytes, change, **save) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        change(doc)
        out = io.BytesIO()
        doc.save(out, **save)
        return out.getvalue()


def _javascript(doc):
    doc.Root.OpenAction = doc.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )


def _launch(doc):
    doc.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))


def _attachment(doc):
    doc.attachments["bilaga.exe"] = pikepdf.AttachedFileSpec(doc, b"MZ\x90\x00")


def _check(name: str, content: bytes):
    return check_upload(SimpleUploadedFile(name, content))


def _refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        _check(name, content)
    return " ".join(caught.value.messages)


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * width)  # one row; enough for the header
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


# --- content checks -------------------------------------------------------------------------


def test_an_ordinary_pdf_docx_and_png_are_accepted():
    pdf = _weasyprint_pdf()
    assert _check("skrivelse.pdf", pdf) == "pdf"
    # compressed object streams, as Word and Acrobat save: no active name found in them
    assert (
        _check(
            "skrivelse.pdf",
            _with(pdf, lambda d: None, object_stream_mode=pikepdf.ObjectStreamMode.generate),
        )
        == "pdf"
    )
    assert _check("brev.docx", _zip(DOCX)) == "docx"
    assert _check("karta.png", _png(200, 100)) == "png"


def test_a_name_inside_a_streams_data_is_not_taken_for_an_action():
    """Image and page data are not dictionaries: bytes that read "/JS" there are no action."""

    def add_image(doc):
        data = os.urandom(400_000) + b" /JS /Launch /JavaScript " + os.urandom(400_000)
        doc.pages[0].Resources = pikepdf.Dictionary(
            XObject=pikepdf.Dictionary(Im0=pikepdf.Stream(doc, data))
        )

    pdf = _with(_weasyprint_pdf(), add_image, compress_streams=False)
    assert _check("skannad.pdf", pdf) == "pdf"


@pytest.mark.parametrize(
    ("change", "save", "reason"),
    [
        (_javascript, {}, "JavaScript"),
        (_javascript, {"object_stream_mode": pikepdf.ObjectStreamMode.generate}, "JavaScript"),
        (_launch, {}, "startar ett program"),
        (_attachment, {}, "bifogade filer"),
    ],
    ids=["javascript", "javascript-in-object-stream", "launch", "embedded-file"],
)
def test_a_pdf_with_active_content_is_refused_with_what_it_does(change, save, reason):
    message = _refused("skrivelse.pdf", _with(_weasyprint_pdf(), change, **save))
    assert "aktivt innehåll" in message and reason in message


def _hand_made_pdf(*objects: bytes, header: bytes = b"%PDF-1.7\n") -> bytes:
    """A PDF written byte by byte (so that a name can be spelt with escapes), with a correct
    cross-reference table."""
    out, offsets = bytearray(header), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def _minimal(header: bytes = b"%PDF-1.7\n") -> bytes:
    return _hand_made_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, header=header)


def test_an_escaped_action_name_is_found():
    pages, page = PAGES, PAGE
    plain = _minimal()
    action = b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"
    escaped = _hand_made_pdf(b"<< /Type /Catalog /Pages 2 0 R " + action + b" >>", pages, page)
    assert _check("skrivelse.pdf", plain) == "pdf"
    assert "JavaScript" in _refused("skrivelse.pdf", escaped)


def test_an_encrypted_pdf_is_refused():
    pdf = _with(
        _weasyprint_pdf(), lambda d: None, encryption=pikepdf.Encryption(owner="x", user="y")
    )
    assert "lösenordsskyddad" in _refused("skrivelse.pdf", pdf)


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("skrivelse.pdf", _weasyprint_pdf() + _zip({"virus.exe": b"MZ"}), "ZIP-arkiv"),
        ("karta.png", _png(20, 20) + _zip({"virus.exe": b"MZ"}), "ZIP-arkiv"),
        ("karta.png", _png(20, 20) + b"MZ\x90\x00 program", "data efter bildens slut"),
        ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"%PDF-1.7\n" + b"\xff\xd9", "PDF"),
        ("skrivelse.pdf", _minimal(header=b"%PDF-1.7\n%<html><script>x</script>\n"), "HTML"),
    ],
    ids=["pdf-zip", "png-zip", "png-script-trailer", "jpeg-pdf", "pdf-html"],
)
def test_a_polyglot_is_refused(name, content, what):
    message = _refused(name, content)
    assert "samtidigt en annan filtyp" in message and what in message


def test_a_docx_that_unpacks_to_more_than_250_mb_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in DOCX.items():
            archive.writestr(name, data)
        with archive.open("word/media/noll.bin", "w") as member:
            block = b"\x00" * (16 * 1024 * 1024)
            for _ in range(17):  # 272 MB of zeros, about 270 kB packed
                member.write(block)
    assert len(out.getvalue()) < 1024 * 1024
    assert "250 MB" in _refused("brev.docx", out.getvalue())


def test_a_pdf_stream_that_unpacks_to_more_than_250_mb_is_refused():
    def add_bomb(doc):
        packed = zlib.compress(b"\x00" * (260 * 1024 * 1024), 9)
        stream = pikepdf.Stream(doc, packed)
        stream.Filter = pikepdf.Name.FlateDecode
        doc.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream))

    pdf = _with(_weasyprint_pdf(), add_bomb)
    assert "250 MB" in _refused("skrivelse.pdf", pdf)


def test_an_image_of_more_than_100_million_pixels_is_refused():
    assert "100 miljoner" in _refused("karta.png", _png(20_000, 10_000))
    assert _check("karta.png", _png(10_000, 10_000)) == "png"


# --- the file store and the database failing ------------------------------------------------


class FullStorage(FileSystemStorage):
    """The store at the process boundary: the disk is full."""

    error = errno.ENOSPC

    def _save(self, name, content):
        raise OSError(self.error, os.strerror(self.error), name)


class ReadOnlyStorage(FullStorage):
    error = errno.EROFS


def _post(client, case, content: bytes):
    return client.post(
        f"/arenden/{case.pk}/handlingar/ny/",
        {
            "date": "2026-11-02",
            "direction": "incoming",
            "counterpart": "Föreningen Åsen",
            "description": "Skrivelse om vägbelysning",
            "file": SimpleUploadedFile("skrivelse.pdf", content),
        },
    )


def _files(root) -> list[str]:
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


@pytest.mark.parametrize("storage", [FullStorage, ReadOnlyStorage], ids=["ENOSPC", "EROFS"])
def test_a_store_that_refuses_the_file_leaves_no_row_and_answers_503_with_the_form_kept(
    storage, client, registrator, settings, media_root
):
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": f"{__name__}.{storage.__name__}"}
    }
    case = make_case()
    client.force_login(registrator)

    response = _post(client, case, _weasyprint_pdf())

    page = response.content.decode()
    assert response.status_code == 503
    assert "Filen kunde inte sparas" in page and "Ingenting är registrerat" in page
    assert "Skrivelse om vägbelysning" in page and "Föreningen Åsen" in page  # form kept
    assert not Document.objects.filter(case=case).exists()
    assert _files(media_root) == []


class DatabaseGoneStorage(FileSystemStorage):
    """Stores the file, then the database server ends this session (a real fault: the
    backend is terminated from a second connection), before the row is written."""

    def _save(self, name, content):
        saved = super()._save(name, content)
        pid = connection.connection.info.backend_pid
        with psycopg.connect(**connection.get_connection_params()) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return saved


@pytest.mark.django_db(transaction=True)
def test_a_database_that_goes_away_after_the_file_was_stored_leaves_no_orphan_file(
    registrator, settings, media_root
):
    from django.test import Client

    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": f"{__name__}.DatabaseGoneStorage"}
    }
    case = make_case()
    client = Client(raise_request_exception=False)
    client.force_login(registrator)

    response = _post(client, case, _weasyprint_pdf())

    connection.close()  # the terminated session; the next query reconnects
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Registret är tillfälligt otillgängligt" in response.content.decode()
    assert not Document.objects.filter(case=case).exists()
    assert _files(media_root) == []
