"""The organisation's seal on a frozen protocol: a PAdES signature made with pyHanko (rule 38).

Production names the organisation's certificate as a PKCS#12 file in the settings
(``INSJORIKET_SEAL_PKCS12`` and ``INSJORIKET_SEAL_PASSPHRASE``), and a timestamp server
(``INSJORIKET_SEAL_TSA_URL``) makes the signature PAdES B-T; without one it is B-B. Without a
PKCS#12 the demo makes its own self-signed seal certificate once, in ``var/seal/``
(git-ignored), and uses it from then on: a demo seal proves integrity, not identity.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import io
import os
from pathlib import Path

from django.conf import settings

SEAL_FIELD = "Insjoriket-sigill"
DEMO_SEAL_NAME = "Insjöriket demosigill (endast demo)"
DEMO_PASSPHRASE = b"insjoriket-demo"


def _demo_pkcs12(path: Path) -> None:
    """Write a self-signed seal certificate (RSA 3072, ten years) and its key to ``path``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Insjöriket (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SEAL_NAME),
        ]
    )
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"insjoriket-seal",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(DEMO_PASSPHRASE),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # The certificate alone, for anyone who checks a copy (docs/protocols.md).
    (path.parent / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    os.replace(tmp, path)  # two processes starting at once: one file wins, whole


def seal_source() -> tuple[Path, bytes]:
    """The PKCS#12 file and its passphrase: from the settings, or the demo's own."""
    configured = getattr(settings, "INSJORIKET_SEAL_PKCS12", "")
    if configured:
        passphrase = getattr(settings, "INSJORIKET_SEAL_PASSPHRASE", "") or ""
        return Path(configured), passphrase.encode()
    path = Path(settings.BASE_DIR) / "var" / "seal" / "demo-seal.p12"
    if not path.exists():
        _demo_pkcs12(path)
    return path, DEMO_PASSPHRASE


@functools.cache
def _signer():
    from pyhanko.sign import signers

    path, passphrase = seal_source()
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
    if signer is None:
        raise RuntimeError(f"Sigillcertifikatet {path} kunde inte läsas.")
    return signer


def seal_certificate():
    """The seal's certificate (an ``asn1crypto`` certificate), to validate against."""
    return _signer().signing_cert


def seal_subject() -> str:
    return seal_certificate().subject.human_friendly


def _outside_event_loop(function):
    """Run ``function`` where no asyncio event loop runs: pyHanko's synchronous API calls
    ``asyncio.run``, which refuses inside a running loop (an async caller, a browser test's
    thread); there it runs in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def seal_pdf(content: bytes, *, reason: str, location: str = "") -> bytes:
    """``content`` with the organisation's PAdES seal appended as an incremental update (the
    signed bytes stay as rendered: PDF/A and tags are kept)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    tsa = getattr(settings, "INSJORIKET_SEAL_TSA_URL", "")
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name=seal_subject(),
    )
    out = io.BytesIO()
    signer = signers.PdfSigner(
        meta,
        signer=_signer(),
        timestamper=timestamps.HTTPTimeStamper(tsa) if tsa else None,
    )
    _outside_event_loop(lambda: signer.sign_pdf(writer, output=out))
    return out.getvalue()


def validate(content: bytes):
    """pyHanko's validator over ``content``'s seal, trusting only the seal certificate: its
    status (``intact``, ``valid``, ``trusted``, ``signing_cert``)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(content))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[seal_certificate()], allow_fetching=False)
    return _outside_event_loop(lambda: validate_pdf_signature(signature, context))
