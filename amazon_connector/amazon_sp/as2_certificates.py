"""Self-signed AS2 key pairs: our signing and decryption key and the certificate that goes
with it (what an administrator sends Amazon when the EDI connection is set up), and the
key pairs of tests and of the emulator.

RSA 2048 and SHA-256, as Amazon requires of AS2 certificates ("SHA2 Amazon AS2 certificate").
One pair serves both uses, signing and decryption: the certificate's key usage says so.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

KEY_SIZE = 2048
DEFAULT_VALIDITY_DAYS = 2 * 365


@dataclass(frozen=True)
class As2KeyPair:
    """A private key (PEM, encrypted with `password` when one was given) and its certificate."""

    private_key_pem: bytes = field(repr=False)
    certificate_pem: bytes = field(repr=False)
    password: str | None = field(default=None, repr=False)
    not_valid_before: datetime.datetime | None = None
    not_valid_after: datetime.datetime | None = None
    fingerprint_sha256: str = ""  # hex, colon-separated: what people compare by eye


def generate_key_pair(
    common_name: str,
    *,
    organization: str | None = None,
    password: str | None = None,
    valid_days: int = DEFAULT_VALIDITY_DAYS,
    now: datetime.datetime | None = None,
) -> As2KeyPair:
    """A new RSA 2048 key and a self-signed SHA-256 certificate for `common_name` (the AS2
    id, usually), valid `valid_days` from `now` (default: the present moment)."""
    if valid_days < 1:
        raise ValueError("a certificate is valid one day at least")
    now = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(datetime.timezone.utc)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    name = x509.Name(attributes)
    # A minute back: the partner's clock may be a little behind ours.
    not_before = now.replace(microsecond=0) - datetime.timedelta(minutes=1)
    not_after = not_before + datetime.timedelta(days=valid_days)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    private_key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    return As2KeyPair(
        private_key_pem=private_key_pem,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
        password=password or None,
        not_valid_before=not_before,
        not_valid_after=not_after,
        fingerprint_sha256=_sha256_digest(certificate),
    )


@dataclass(frozen=True)
class CertificateInfo:
    """What a person checks of a certificate: whose it is, until when, its fingerprint."""

    subject: str
    issuer: str
    serial_number: int
    not_valid_before: datetime.datetime
    not_valid_after: datetime.datetime
    fingerprint_sha256: str


def certificate_info(certificate_pem: bytes) -> CertificateInfo:
    """The subject, validity and fingerprint of a PEM certificate; ValueError when the text is
    not one (the message does not quote it)."""
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem)
    except (ValueError, TypeError):
        raise ValueError("not a PEM X.509 certificate") from None
    return CertificateInfo(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial_number=certificate.serial_number,
        not_valid_before=certificate.not_valid_before.replace(tzinfo=datetime.timezone.utc),
        not_valid_after=certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc),
        fingerprint_sha256=_sha256_digest(certificate),
    )


def _sha256_digest(certificate: x509.Certificate) -> str:
    """The certificate's SHA-256 fingerprint (of its DER form), as people compare it."""
    return (
        hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER))
        .digest()
        .hex(":")
        .upper()
    )
