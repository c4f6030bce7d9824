"""AS2 (RFC 4130) with Amazon's EDI endpoint, over pyas2lib: the transport of the X12 files of
vendors on EDI (850 in; 855, 856, 810 and 997 out).

Amazon's AS2 connection requires messages signed and encrypted (AES, SHA-256 signatures,
SHA-2 certificates) and a signed synchronous MDN (the receipt, in the answer to the POST):

    outbound = build_message(identity, partner, x12_bytes, "855-4501.edi")
    # POST outbound.body with outbound.headers to Amazon's AS2 URL, then:
    result = read_mdn(identity, partner, outbound, response_headers, response_body)
    result.ok  # processed, signed by Amazon, and the MIC is ours

    inbound = read_message(identity, partner, request_headers, request_body)
    # store inbound.payload, answer with inbound.mdn.headers and inbound.mdn.body

pyas2lib is imported on first use only (`load_pyas2lib`): the addon imports without it. Its
dependency oscrypto 1.3.0 (the last release) cannot read the version of OpenSSL 3.0.10 and
later ("Error detecting the version of libcrypto", wbond/oscrypto#75, fixed upstream after
the release): `load_pyas2lib` loads oscrypto's version detection from oscrypto's own source
with the pattern upstream fixed it to, before anything imports it; nothing else of oscrypto
changes, and a release that reads the version right is left alone.

No message of an `As2Error` (nor any log record of this module) holds a payload, a private
key, a password or a certificate: pyas2lib's own records, which dump whole MIME messages
(with the certificates inside the signatures) at DEBUG and tracebacks on errors, are cut to
their first line, DEBUG ones dropped.
"""

import contextlib
import email
import importlib
import importlib.util
import logging
import re
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .errors import AmazonError

_log = logging.getLogger(__name__)

ENCRYPTION_ALGORITHMS = ("aes_128_cbc", "aes_192_cbc", "aes_256_cbc", "tripledes_192_cbc")
SIGNATURE_ALGORITHMS = ("sha256", "sha384", "sha512")
MDN_MODES = ("sync",)  # Amazon answers with the MDN in the HTTP response
X12_CONTENT_TYPE = "application/EDI-X12"
_SIGNATURE_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature")
_MDN_TEXT_LIMIT = 2000
MDN_CONFIRMATION = "The AS2 message was received and processed."


# Errors


class As2Error(AmazonError):
    """An AS2 message or MDN that cannot be used, or AS2 that cannot run. `message_id`: the
    AS2 message concerned, when known; `mdn`: from `read_message`, the (negative) MDN to
    answer the sender with, when one could be made."""

    def __init__(self, message, *, message_id=None, mdn=None):
        super().__init__(message, operation="as2")
        self.message_id = message_id
        self.mdn = mdn


class As2UnavailableError(As2Error):
    """pyas2lib (or a library under it) is not installed or cannot load here."""


class As2ConfigurationError(As2Error):
    """Our key, its password, a certificate or an algorithm of the connection is wrong."""


class As2PartnerError(As2Error):
    """AS2-From / AS2-To are not the configured partner and us."""


class As2SignatureError(As2Error):
    """Unsigned, or the signature does not verify with the partner's certificate."""


class As2DecryptionError(As2Error):
    """Not encrypted, or not decryptable with our key."""


class As2FormatError(As2Error):
    """Not an AS2 message (or MDN) that can be read, or an MDN of another message."""


class As2DuplicateError(As2Error):
    """A message id already received from the partner: not to be processed again."""


# Configuration


def _as_bytes(value):
    return value.encode() if isinstance(value, str) else value


@dataclass(frozen=True)
class As2Identity:
    """Us: our AS2 id, and the key (with its certificate) that signs what we send and
    decrypts what we receive. `message_id_domain`: what follows the '@' of our message ids
    (default: made from the AS2 id, rather than this machine's name)."""

    as2_id: str
    private_key_pem: bytes = field(repr=False)
    certificate_pem: bytes = field(repr=False)
    private_key_password: str | None = field(default=None, repr=False)
    message_id_domain: str | None = None

    def __post_init__(self):
        if not self.as2_id:
            raise As2ConfigurationError("our AS2 id is empty")
        if not self.private_key_pem or not self.certificate_pem:
            raise As2ConfigurationError("our AS2 private key and certificate are both required")
        object.__setattr__(self, "private_key_pem", _as_bytes(self.private_key_pem))
        object.__setattr__(self, "certificate_pem", _as_bytes(self.certificate_pem))

    @property
    def domain(self):
        return self.message_id_domain or (
            re.sub(r"[^A-Za-z0-9.-]+", "-", self.as2_id).strip("-.").lower() + ".as2"
        )


@dataclass(frozen=True)
class As2Partner:
    """Amazon's side of the connection: its AS2 id (`AMAZON` for vendors' EDI), the
    certificate that encrypts what we send and verifies what it signs, more certificates
    whose signatures are accepted too (Amazon's next one, while it changes certificates),
    its AS2 URL, and the algorithms. Encryption and signatures are always on: Amazon refuses
    anything else."""

    as2_id: str
    certificate_pem: bytes = field(repr=False)
    verification_certificates_pem: tuple[bytes, ...] = field(default=(), repr=False)
    ca_certificates_pem: bytes | None = field(default=None, repr=False)
    url: str | None = None
    encryption: str = "aes_256_cbc"
    signature: str = "sha256"
    compress: bool = False
    mdn_mode: str = "sync"
    validate_certificates: bool = True  # the certificates' dates, and chain to the CAs given

    def __post_init__(self):
        if not self.as2_id:
            raise As2ConfigurationError("the partner's AS2 id is empty")
        if not self.certificate_pem:
            raise As2ConfigurationError(f"no certificate for AS2 partner {self.as2_id!r}")
        if self.encryption not in ENCRYPTION_ALGORITHMS:
            raise As2ConfigurationError(
                f"encryption {self.encryption!r} is not one of {', '.join(ENCRYPTION_ALGORITHMS)}"
            )
        if self.signature not in SIGNATURE_ALGORITHMS:
            raise As2ConfigurationError(
                f"signature {self.signature!r} is not one of {', '.join(SIGNATURE_ALGORITHMS)}"
            )
        if self.mdn_mode not in MDN_MODES:
            raise As2ConfigurationError(
                f"MDN mode {self.mdn_mode!r} is not supported: Amazon answers synchronously"
            )
        object.__setattr__(self, "certificate_pem", _as_bytes(self.certificate_pem))
        object.__setattr__(
            self,
            "verification_certificates_pem",
            tuple(_as_bytes(pem) for pem in self.verification_certificates_pem if pem),
        )
        object.__setattr__(self, "ca_certificates_pem", _as_bytes(self.ca_certificates_pem))

    @property
    def verification_certificates(self):
        return (self.certificate_pem, *self.verification_certificates_pem)


# Results


@dataclass(frozen=True)
class MdnReply:
    """An MDN as it goes into an HTTP response: headers (Content-Type among them) and body."""

    headers: dict[str, str]
    body: bytes = field(repr=False)

    @property
    def content_type(self):
        return _header(self.headers, "Content-Type")


@dataclass(frozen=True)
class OutboundMessage:
    """A message ready to POST, and what its MDN must confirm: `mic`, the base64 digest of
    the signed content, by `mic_algorithm`."""

    message_id: str
    headers: dict[str, str]
    body: bytes = field(repr=False)
    mic: str
    mic_algorithm: str
    filename: str | None = None


@dataclass(frozen=True)
class MdnResult:
    """The receipt of one of our messages. `disposition` is the MDN's Disposition field
    (`automatic-action/MDN-sent-automatically; processed`); `modifier` what follows the
    disposition type (`Error: decryption-failed`, `Warning: duplicate-document`, or "");
    `text` the human-readable part. A signature that does not verify raises
    `As2SignatureError` instead: nothing in such an MDN can be believed."""

    message_id: str | None
    original_message_id: str
    disposition: str
    disposition_type: str  # "processed" or "failed"
    modifier: str
    signature_verified: bool  # False: the MDN was not signed
    mic_matched: bool
    received_mic: str | None = None
    text: str = ""

    @property
    def processed(self):
        """The partner processed the message (a warning, such as a duplicate, is no error)."""
        return self.disposition_type == "processed" and not self.modifier.lower().startswith(
            ("error", "failure", "failed")
        )

    @property
    def ok(self):
        """Processed, signed by the partner, and the MIC is the one of our message."""
        return self.processed and self.signature_verified and self.mic_matched


@dataclass(frozen=True)
class InboundMessage:
    """A message from the partner, verified and decrypted, with the signed MDN to answer."""

    message_id: str
    payload: bytes = field(repr=False)
    filename: str | None
    content_type: str
    mic: str
    mic_algorithm: str
    compressed: bool
    mdn: MdnReply | None  # None when the sender asked for no MDN


# pyas2lib, loaded on first use

_load_lock = threading.Lock()
_OSCRYPTO_VERSION_PATTERN = r"'\\b(\\d\\.\\d\\.\\d[a-z]*)\\b'"
_OSCRYPTO_FIXED_PATTERN = r"'\\b(\\d+\\.\\d+\\.\\d+[a-z]*)\\b'"


def load_pyas2lib():
    """The pyas2lib package, imported now if it was not (see the module's notes on
    oscrypto). Raises As2UnavailableError when it cannot be."""
    with _load_lock:
        try:
            _fix_oscrypto_version_detection()
            pyas2lib = importlib.import_module("pyas2lib")
            for module in ("pyas2lib.cms", "pyas2lib.exceptions", "pyas2lib.utils"):
                importlib.import_module(module)
        except ImportError as error:
            raise As2UnavailableError(
                f"AS2 needs the Python package {error.name or 'pyas2lib'}, which is not "
                "installed (requirements.txt: pyas2lib, oscrypto)"
            ) from None
        except Exception as error:
            raise As2UnavailableError(
                f"AS2 cannot load its cryptography library: {type(error).__name__}: "
                f"{str(error).splitlines()[0] if str(error) else ''}"
            ) from None
        pyas2lib_logger = logging.getLogger("pyas2lib")
        if not any(isinstance(item, _Pyas2libRecords) for item in pyas2lib_logger.filters):
            pyas2lib_logger.addFilter(_Pyas2libRecords())
        return pyas2lib


def pyas2lib_unavailable_reason():
    """Why AS2 cannot run here (a sentence), or None when it can."""
    try:
        load_pyas2lib()
    except As2UnavailableError as error:
        return error.message
    return None


def _fix_oscrypto_version_detection():
    oscrypto = importlib.import_module("oscrypto")
    if oscrypto.backend() != "openssl":
        return
    name = f"oscrypto._openssl._libcrypto_{oscrypto.ffi()}"
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    source = spec.loader.get_source(name) if spec and spec.loader else None
    if not source or _OSCRYPTO_VERSION_PATTERN not in source:
        return
    module = importlib.util.module_from_spec(spec)
    code = compile(
        source.replace(_OSCRYPTO_VERSION_PATTERN, _OSCRYPTO_FIXED_PATTERN), spec.origin, "exec"
    )
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    setattr(sys.modules["oscrypto._openssl"], name.rpartition(".")[2], module)


class _Pyas2libRecords(logging.Filter):
    def filter(self, record):
        if record.levelno < logging.INFO:
            return False
        try:
            text = record.getMessage()
        except (TypeError, ValueError, KeyError):
            text = str(record.msg)
        record.msg = text.split("\n", 1)[0].rstrip(" :") or "pyas2lib error"
        record.args = ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


# Building and reading


def build_message(
    identity: As2Identity,
    partner: As2Partner,
    payload: bytes,
    filename: str | None,
    content_type: str = X12_CONTENT_TYPE,
    *,
    subject: str = "EDI",
) -> OutboundMessage:
    """`payload` signed with our key, encrypted for the partner, asking for a signed
    synchronous MDN."""
    if not isinstance(payload, bytes):
        raise TypeError("an AS2 payload is bytes")
    lib = load_pyas2lib()
    message = lib.Message(
        sender=_organization(lib, identity),
        receiver=_remote_partner(lib, partner, partner.certificate_pem),
    )
    try:
        message.build(
            payload,
            filename=filename,
            subject=subject,
            content_type=content_type,
            disposition_notification_to=f"as2@{identity.domain}",
        )
    except Exception as error:
        raise As2ConfigurationError(
            f"cannot sign and encrypt a message for {partner.as2_id!r} "
            f"({_error_name(error)}): check the partner's certificate"
        ) from None
    _log.info(
        "AS2 message %s built for %s (%d bytes)", message.message_id, partner.as2_id, len(payload)
    )
    return OutboundMessage(
        message_id=message.message_id,
        headers=_http_headers(message.headers),
        body=message.content,
        mic=message.mic.decode(),
        mic_algorithm=message.digest_alg,
        filename=filename,
    )


def read_mdn(
    identity: As2Identity,
    partner: As2Partner,
    outbound: OutboundMessage,
    headers: Mapping[str, str],
    body: bytes,
) -> MdnResult:
    """The MDN answering `outbound`: its signature verified with the partner's
    certificate(s), its MIC compared with ours. Raises As2SignatureError when the signature
    does not verify, As2PartnerError when it is not from the partner to us, As2FormatError
    when it is not an MDN of `outbound`."""
    lib = load_pyas2lib()
    raw = _raw_mime(headers, body)
    mime = email.message_from_bytes(raw)
    _check_pair(mime, sender=partner.as2_id, recipient=identity.as2_id, what="MDN")
    if mime.get_content_type() not in ("multipart/signed", "multipart/report"):
        raise As2FormatError(
            f"the answer is not an MDN (Content-Type {mime.get_content_type()!r})",
            message_id=outbound.message_id,
        )
    report, signature_verified = _verified_report(lib, partner, raw, mime)
    fields, text = _mdn_parts(report)
    original = (fields.get("original-message-id") or "").strip().strip("<>")
    if original != outbound.message_id:
        raise As2FormatError(
            f"the MDN answers message {original or 'none'!r}, not {outbound.message_id!r}",
            message_id=outbound.message_id,
        )
    disposition = " ".join((fields.get("disposition") or "").split())
    disposition_type, modifier = _disposition(disposition)
    if not disposition_type:
        raise As2FormatError("the MDN has no disposition", message_id=outbound.message_id)
    received_mic, mic_matched = _compare_mic(fields.get("received-content-mic"), outbound)
    mdn_message_id = (mime.get("Message-ID") or "").strip().strip("<>") or None
    _log.info(
        "AS2 MDN for %s from %s: %s (signed %s, MIC %s)",
        outbound.message_id,
        partner.as2_id,
        disposition,
        signature_verified,
        "matches" if mic_matched else "does not match",
    )
    return MdnResult(
        message_id=mdn_message_id,
        original_message_id=original,
        disposition=disposition,
        disposition_type=disposition_type,
        modifier=modifier,
        signature_verified=signature_verified,
        mic_matched=mic_matched,
        received_mic=received_mic,
        text=text,
    )


def read_message(
    identity: As2Identity,
    partner: As2Partner,
    headers: Mapping[str, str],
    body: bytes,
    *,
    is_duplicate: Callable[[str], bool] | None = None,
) -> InboundMessage:
    """A message from the partner to us: checked (AS2-From / AS2-To, signature, encryption),
    decrypted, with the signed MDN to answer. `is_duplicate(message_id)` tells whether that
    message id was received already. Every refusal raises an `As2Error` subclass whose `mdn`
    is the negative MDN to answer with (None when the sender asked for none)."""
    lib = load_pyas2lib()
    raw = _raw_mime(headers, body)
    organization = _organization(lib, identity)

    def find_us(as2_id):
        return organization if as2_id == identity.as2_id else None

    def seen(message_id, _partner_id):
        return bool(is_duplicate and message_id and is_duplicate(message_id))

    certificates = partner.verification_certificates
    for index, certificate in enumerate(certificates):
        remote = _remote_partner(lib, partner, certificate)
        message = lib.Message()
        status, (error, _trace), mdn = message.parse(
            raw,
            find_org_cb=find_us,
            find_partner_cb=lambda as2_id, remote=remote: (
                remote if as2_id == partner.as2_id else None
            ),
            find_message_cb=seen,
        )
        signature_failed = isinstance(error, lib.exceptions.IntegrityError)
        if not signature_failed or index == len(certificates) - 1:
            break
    reply = MdnReply(_http_headers(mdn.headers), mdn.content) if mdn else None
    if error is not None or status != "processed":
        raise _inbound_error(lib, error, message, (identity, partner), reply) from None
    payload = message.payload.get_payload(decode=True) or b""
    _log.info(
        "AS2 message %s received from %s (%d bytes)",
        message.message_id,
        partner.as2_id,
        len(payload),
    )
    return InboundMessage(
        message_id=message.message_id,
        payload=payload,
        filename=message.payload.get_filename(),
        content_type=message.payload.get_content_type(),
        mic=message.mic.decode() if message.mic else "",
        mic_algorithm=message.digest_alg or "",
        compressed=bool(message.compressed),
        mdn=reply,
    )


# Helpers


def _organization(lib, identity):
    try:
        _check_key_matches_certificate(identity)
        key = identity.private_key_pem.strip() + b"\n" + identity.certificate_pem.strip() + b"\n"
        return lib.Organization(
            as2_name=identity.as2_id,
            sign_key=key,
            sign_key_pass=identity.private_key_password,
            decrypt_key=key,
            decrypt_key_pass=identity.private_key_password,
            domain=identity.domain,
            mdn_confirm_text=MDN_CONFIRMATION,
        )
    except As2ConfigurationError:
        raise
    except Exception:
        raise As2ConfigurationError(
            f"our AS2 key ({identity.as2_id!r}) cannot be loaded: wrong password, or not a PEM "
            "private key and certificate"
        ) from None


def check_identity(identity):
    """Raise As2ConfigurationError unless our private key loads and matches our certificate
    (what an administrator's settings are checked with, before anything is sent)."""
    _check_key_matches_certificate(identity)


def _check_key_matches_certificate(identity):
    password = identity.private_key_password
    try:
        key = serialization.load_pem_private_key(
            identity.private_key_pem, password.encode() if password else None
        )
        certificate = x509.load_pem_x509_certificate(identity.certificate_pem)
    except (ValueError, TypeError):
        raise As2ConfigurationError(
            f"our AS2 key ({identity.as2_id!r}) cannot be loaded: wrong password, or not a PEM "
            "private key and certificate"
        ) from None
    if key.public_key().public_numbers() != certificate.public_key().public_numbers():
        raise As2ConfigurationError(
            f"our AS2 certificate ({identity.as2_id!r}) is not the one of our private key"
        )


def _remote_partner(lib, partner, verify_certificate):
    try:
        return lib.Partner(
            as2_name=partner.as2_id,
            verify_cert=verify_certificate,
            verify_cert_ca=partner.ca_certificates_pem,
            encrypt_cert=partner.certificate_pem,
            encrypt_cert_ca=partner.ca_certificates_pem,
            validate_certs=partner.validate_certificates,
            compress=partner.compress,
            encrypt=True,
            enc_alg=partner.encryption,
            sign=True,
            digest_alg=partner.signature,
            mdn_mode="SYNC",
            mdn_digest_alg=partner.signature,
            mdn_confirm_text=MDN_CONFIRMATION,
        )
    except Exception:
        raise As2ConfigurationError(
            f"the AS2 settings of partner {partner.as2_id!r} are not valid"
        ) from None


def _inbound_error(lib, error, message, pair, reply):
    identity, partner = pair
    error_class, text = _refusal(lib.exceptions, error, message, identity, partner)
    return error_class(text, message_id=message.message_id, mdn=reply)


def _refusal(exceptions, error, message, identity, partner):
    """(the As2Error class, its message) for the error pyas2lib met reading `message`."""
    message_id = message.message_id
    if isinstance(error, exceptions.InsufficientSecurityError):
        if message.encrypted:
            return As2SignatureError, f"AS2 message {message_id!r} is not signed"
        return As2DecryptionError, f"AS2 message {message_id!r} is not encrypted"
    if getattr(error, "disposition_modifier", "") == "invalid-certificate":
        return As2ConfigurationError, (
            f"the certificate of {partner.as2_id!r} is not valid (expired, or not trusted)"
        )
    if isinstance(error, KeyError):
        return As2FormatError, f"not an AS2 message: no {error.args[0]} header"
    refusals = (
        (
            exceptions.PartnerNotFound,
            As2PartnerError,
            f"AS2 message {message_id!r} is from {_unquote(message.headers.get('as2-from'))!r}"
            f" to {_unquote(message.headers.get('as2-to'))!r}; expected from "
            f"{partner.as2_id!r} to {identity.as2_id!r}",
        ),
        (
            exceptions.DuplicateDocument,
            As2DuplicateError,
            f"AS2 message {message_id!r} was received already",
        ),
        (
            exceptions.IntegrityError,
            As2SignatureError,
            f"the signature of AS2 message {message_id!r} does not verify with the "
            f"certificate(s) of {partner.as2_id!r}",
        ),
        (
            exceptions.DecryptionError,
            As2DecryptionError,
            f"AS2 message {message_id!r} cannot be decrypted with our key (encrypted for "
            "another certificate, or damaged)",
        ),
    )
    # Anything else broke where pyas2lib had got to: the signature, the encrypted content, or
    # the message itself.
    if message.signed:
        unknown = As2SignatureError, f"the signature of AS2 message {message_id!r} is damaged"
    elif message.encrypted:
        unknown = As2DecryptionError, f"the encrypted part of AS2 message {message_id!r} is damaged"
    else:
        unknown = As2FormatError, f"AS2 message {message_id!r} cannot be read"
    for error_type, error_class, text in refusals:
        if isinstance(error, error_type):
            return error_class, text
    return unknown[0], f"{unknown[1]} ({_error_name(error)})"


def _verified_report(lib, partner, raw, mime):
    """The MDN's report, and whether it was signed; As2SignatureError when the signature does
    not verify with any of the partner's certificates."""
    if mime.get_content_type() != "multipart/signed":
        return mime, False
    report = next(
        (part for part in mime.walk() if part.get_content_type() == "multipart/report"), None
    )
    signature = next(
        (
            part.get_payload(decode=True)
            for part in mime.walk()
            if part.get_content_type() in _SIGNATURE_TYPES
        ),
        None,
    )
    if report is None or signature is None:
        raise As2FormatError("a signed MDN without its report or its signature")
    # As pyas2lib reads MDNs: the signed part as it came, else in canonical form.
    boundary = ("--" + (mime.get_boundary() or "")).encode()
    contents = []
    with contextlib.suppress(IndexError):
        contents.append(lib.utils.extract_first_part(raw, boundary))
    contents.append(lib.utils.canonicalize(report))
    for certificate_pem in partner.verification_certificates:
        try:
            certificate = _remote_partner(lib, partner, certificate_pem).load_verify_cert()
        except As2ConfigurationError:
            raise
        except Exception:
            raise As2ConfigurationError(
                f"the certificate of {partner.as2_id!r} is not valid (expired, or not trusted)"
            ) from None
        for content in contents:
            try:
                lib.cms.verify_message(content, signature, certificate)
            except Exception:
                continue  # the next form, or the next certificate, may verify it
            return report, True
    raise As2SignatureError(
        f"the signature of the MDN does not verify with the certificate(s) of {partner.as2_id!r}"
    )


def _mdn_parts(report):
    fields, text = {}, ""
    for part in report.walk():
        content_type = part.get_content_type()
        if content_type == "message/disposition-notification":
            notification = part.get_payload()
            blocks = notification if isinstance(notification, list) else [notification]
            for block in blocks:
                if isinstance(block, email.message.Message):
                    for name, value in block.items():
                        fields.setdefault(name.lower(), value)
                elif isinstance(block, str):
                    for line in block.splitlines():
                        name, separator, value = line.partition(":")
                        if separator:
                            fields.setdefault(name.strip().lower(), value.strip())
        elif content_type == "text/plain" and not text:
            content = part.get_payload(decode=True) or b""
            text = content.decode(part.get_content_charset() or "utf-8", "replace").strip()
    return fields, text[:_MDN_TEXT_LIMIT]


def _disposition(disposition):
    """("processed", "Error: decryption-failed") from `automatic-action/...; processed/Error:
    decryption-failed`."""
    _action, _separator, outcome = disposition.rpartition(";")
    outcome = outcome.strip()
    kind, _slash, modifier = outcome.partition("/")
    kind, _colon, after_colon = kind.partition(":")
    modifier = modifier.strip() or after_colon.strip()
    return kind.strip().lower(), modifier


def _compare_mic(field_value, outbound):
    if not field_value:
        return None, False
    value, _comma, algorithm = field_value.partition(",")
    value = value.strip()

    def normal(name):
        return name.replace("-", "").strip().lower()

    matched = value == outbound.mic and normal(algorithm) == normal(outbound.mic_algorithm)
    return value, matched


def _check_pair(mime, *, sender, recipient, what):
    as2_from, as2_to = _unquote(mime.get("AS2-From")), _unquote(mime.get("AS2-To"))
    if as2_from != sender or as2_to != recipient:
        raise As2PartnerError(
            f"the {what} is from {as2_from!r} to {as2_to!r}; expected from {sender!r} to "
            f"{recipient!r}"
        )


def _unquote(value):
    value = (value or "").strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def _raw_mime(headers, body):
    if not isinstance(body, bytes):
        raise TypeError("an AS2 body is bytes")
    lines = [f"{name}: {' '.join(str(value).split())}" for name, value in headers.items()]
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + body


def _http_headers(headers):
    """MIME headers as HTTP headers: folded lines unfolded, MIME-Version left out."""
    return {
        name: " ".join(str(value).split())
        for name, value in headers.items()
        if name.lower() != "mime-version"
    }


def _header(headers, name):
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def _error_name(error):
    return type(error).__name__ if error is not None else "unknown error"
