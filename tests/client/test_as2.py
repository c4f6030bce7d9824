"""AS2 with Amazon (amazon_sp.as2) against the emulator's AS2 partner: our messages read by
"Amazon" and its MDNs verified by us, Amazon's messages read by us, and every refusal: bad or
missing signatures, wrong AS2 ids, tampered bodies, MDNs that do not confirm our MIC. Also the
key pairs an administrator generates, and that nothing secret reaches errors or logs."""

import contextlib
import dataclasses
import email
import importlib.util
import logging
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from amazon_sp import as2
from amazon_sp.as2_certificates import certificate_info, generate_key_pair

# Skipped where pyas2lib is not installed; where it is but cannot load (oscrypto on a newer
# OpenSSL, say), the tests fail with the reason rather than skip: that is a bug to fix.
UNAVAILABLE = as2.pyas2lib_unavailable_reason()
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyas2lib") is None,
    reason=f"AS2 tests need the pyas2lib package (requirements.txt): {UNAVAILABLE}",
)

REPO = Path(__file__).resolve().parents[2]
VENDOR = "VENDORAS2TEST"
PASSWORD = "key-password-not-to-leak"
PAYLOAD = (
    b"ISA*00*          *00*          *ZZ*VENDORAS2TEST  *ZZ*AMAZON         *260302*1200*U*00401"
    b"*000000042*0*P*>~GS*PR*VENDORAS2TEST*AMAZON*20260302*1200*42*X*004010~ST*855*0001~"
    b"BAK*00*AC*PAYLOADMARKER1**20260302~CTT*0~SE*4*0001~GE*1*42~IEA*1*000000042~"
)
PURCHASE_ORDER_ITEMS = [{"quantity": 4, "unit_price": "5.00", "asin": "B000MUG001", "pack": 2}]


def test_pyas2lib_loads_here():
    assert UNAVAILABLE is None, UNAVAILABLE


@pytest.fixture(scope="module")
def our_keys():
    return generate_key_pair(VENDOR, organization="Vendor Test", password=PASSWORD)


@pytest.fixture(scope="module")
def other_keys():
    """A key pair that is neither ours nor Amazon's."""
    return generate_key_pair("SOMEONE-ELSE")


@pytest.fixture(scope="module")
def identity(our_keys):
    return as2.As2Identity(
        VENDOR, our_keys.private_key_pem, our_keys.certificate_pem, private_key_password=PASSWORD
    )


@pytest.fixture
def amazon(emulator, our_keys):
    emulator.as2.configure_partner(VENDOR, our_keys.certificate_pem)
    return emulator.as2


@pytest.fixture
def partner(amazon):
    return as2.As2Partner("AMAZON", amazon.certificate_pem, url=amazon.url)


def post(outbound, url):
    response = httpx.post(url, headers=outbound.headers, content=outbound.body, timeout=10)
    assert response.status_code == 200, response.text
    return response


class VendorEndpoint:
    """Our receiving URL, as the addon's controller serves it: read_message, then the MDN."""

    def __init__(self, identity, partner):
        self.identity, self.partner = identity, partner
        self.messages, self.errors, self.seen = [], [], set()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                mdn = endpoint.receive(dict(self.headers.items()), body)
                self.send_response(200 if mdn else 400)
                headers = dict(mdn.headers) if mdn else {}
                self.send_header("Content-Type", headers.pop("Content-Type", "text/plain"))
                for name, value in headers.items():
                    self.send_header(name, value)
                content = mdn.body if mdn else b""
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/as2"

    def receive(self, headers, body):
        try:
            message = as2.read_message(
                self.identity, self.partner, headers, body, is_duplicate=self.seen.__contains__
            )
        except as2.As2Error as error:
            self.errors.append(error)
            return error.mdn
        self.seen.add(message.message_id)
        self.messages.append(message)
        return message.mdn


@pytest.fixture
def vendor_endpoint(amazon, identity, partner, our_keys):
    endpoint = VendorEndpoint(identity, partner)
    endpoint.thread.start()
    amazon.configure_partner(VENDOR, our_keys.certificate_pem, url=endpoint.url)
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


# Our messages to Amazon, and its MDNs


def test_a_message_we_sign_and_encrypt_is_taken_by_amazon_and_its_mdn_verified(
    amazon, identity, partner
):
    outbound = as2.build_message(identity, partner, PAYLOAD, "855-4501.edi")
    assert outbound.headers["AS2-From"] == VENDOR and outbound.headers["AS2-To"] == "AMAZON"
    assert "enveloped-data" in outbound.headers["Content-Type"]
    assert (
        "signed-receipt-micalg=optional, sha256"
        in (outbound.headers["disposition-notification-options"])
    )
    assert PAYLOAD not in outbound.body and b"PAYLOADMARKER1" not in outbound.body

    response = post(outbound, partner.url)
    result = as2.read_mdn(identity, partner, outbound, response.headers, response.content)

    assert result.ok, result
    assert result.processed and result.signature_verified and result.mic_matched
    assert result.original_message_id == outbound.message_id
    assert result.received_mic == outbound.mic
    (received,) = amazon.received
    assert received.payload == PAYLOAD and received.kind == "855"
    assert received.message_id == outbound.message_id and received.filename == "855-4501.edi"
    assert received.envelope_errors == []


def test_3des_and_compression_are_read_by_amazon_too(amazon, identity, partner):
    legacy = dataclasses.replace(partner, encryption="tripledes_192_cbc", compress=True)
    outbound = as2.build_message(identity, legacy, PAYLOAD, "855.edi")

    response = post(outbound, partner.url)

    assert as2.read_mdn(identity, legacy, outbound, response.headers, response.content).ok
    assert amazon.received[0].payload == PAYLOAD


def test_amazon_refuses_a_message_signed_with_another_key(amazon, identity, partner, other_keys):
    impostor = as2.As2Identity(VENDOR, other_keys.private_key_pem, other_keys.certificate_pem)
    outbound = as2.build_message(impostor, partner, PAYLOAD, "855.edi")

    response = post(outbound, partner.url)
    result = as2.read_mdn(identity, partner, outbound, response.headers, response.content)

    assert not result.processed and not result.ok
    assert result.signature_verified  # Amazon signs its refusal
    assert result.modifier.lower() == "error: authentication-failed"
    assert amazon.received == []
    assert [refusal.message_id for refusal in amazon.refused] == [outbound.message_id]


def test_an_mdn_that_does_not_confirm_our_mic_is_not_ok(identity, partner):
    outbound = as2.build_message(identity, partner, PAYLOAD, "855.edi")
    response = post(outbound, partner.url)

    other_mic = dataclasses.replace(outbound, mic="bm90IG91ciBkaWdlc3Q=")
    result = as2.read_mdn(identity, partner, other_mic, response.headers, response.content)

    assert result.processed and result.signature_verified
    assert not result.mic_matched and not result.ok
    other_algorithm = dataclasses.replace(outbound, mic_algorithm="sha512")
    result = as2.read_mdn(identity, partner, other_algorithm, response.headers, response.content)
    assert not result.mic_matched


def test_an_mdn_of_another_message_is_refused(identity, partner):
    first = as2.build_message(identity, partner, PAYLOAD, "855.edi")
    second = as2.build_message(identity, partner, PAYLOAD, "855.edi")
    response = post(first, partner.url)

    with pytest.raises(as2.As2FormatError, match="answers message"):
        as2.read_mdn(identity, partner, second, response.headers, response.content)


def test_a_tampered_mdn_fails_its_signature(identity, partner):
    outbound = as2.build_message(identity, partner, PAYLOAD, "855.edi")
    response = post(outbound, partner.url)
    tampered = response.content.replace(b"received by Amazon", b"received by Amazom")
    assert tampered != response.content

    with pytest.raises(as2.As2SignatureError):
        as2.read_mdn(identity, partner, outbound, response.headers, tampered)


def test_an_mdn_signed_by_someone_else_fails_its_signature(identity, partner, other_keys):
    outbound = as2.build_message(identity, partner, PAYLOAD, "855.edi")
    response = post(outbound, partner.url)
    not_amazons = dataclasses.replace(partner, certificate_pem=other_keys.certificate_pem)

    with pytest.raises(as2.As2SignatureError):
        as2.read_mdn(identity, not_amazons, outbound, response.headers, response.content)


def test_an_unsigned_mdn_is_not_ok(identity, partner):
    outbound = as2.build_message(identity, partner, PAYLOAD, "855.edi")
    response = post(outbound, partner.url)
    signed = email.message_from_bytes(
        b"Content-Type: " + response.headers["content-type"].encode() + b"\r\n\r\n"
        b"" + response.content
    )
    report = signed.get_payload()[0]
    headers = {
        "Content-Type": report["Content-Type"],
        "AS2-From": "AMAZON",
        "AS2-To": VENDOR,
    }
    body = report.as_bytes().split(b"\n\n", 1)[1]

    result = as2.read_mdn(identity, partner, outbound, headers, body)

    assert result.processed and result.mic_matched
    assert not result.signature_verified and not result.ok


def test_an_mdn_from_someone_else_is_refused(identity, partner):
    outbound = as2.build_message(identity, partner, PAYLOAD, "855.edi")
    response = post(outbound, partner.url)
    headers = {**response.headers, "as2-from": "NOT-AMAZON"}  # httpx's names are lowercase

    with pytest.raises(as2.As2PartnerError, match="NOT-AMAZON"):
        as2.read_mdn(identity, partner, outbound, headers, response.content)


def test_an_answer_that_is_no_mdn_is_refused(identity, partner):
    outbound = as2.build_message(identity, partner, PAYLOAD, "855.edi")
    headers = {"Content-Type": "text/html", "AS2-From": "AMAZON", "AS2-To": VENDOR}

    with pytest.raises(as2.As2FormatError, match="not an MDN"):
        as2.read_mdn(identity, partner, outbound, headers, b"<html>Bad gateway</html>")


# Amazon's messages to us


def test_a_purchase_order_from_amazon_is_read_and_answered_with_a_signed_mdn(
    amazon, vendor_endpoint
):
    sent = amazon.send_purchase_order("4501ABCD", PURCHASE_ORDER_ITEMS)

    assert sent.accepted, sent
    (message,) = vendor_endpoint.messages
    assert message.message_id == sent.message_id
    assert message.payload == sent.payload
    assert message.payload.startswith(b"ISA*00*") and b"ST*850*" in message.payload
    assert message.filename == "4501ABCD.850" and message.mic and message.mic_algorithm == "sha256"
    assert "multipart/signed" in message.mdn.content_type


def test_amazon_messages_with_a_bad_signature_are_refused(amazon, vendor_endpoint):
    sent = amazon.send_to_partner(PAYLOAD, bad_signature=True)

    (error,) = vendor_endpoint.errors
    assert isinstance(error, as2.As2SignatureError)
    assert error.message_id == sent.message_id
    assert vendor_endpoint.messages == []
    assert sent.mdn_status == "processed/Error" and sent.mdn_detail == "authentication-failed"


def test_a_message_id_received_twice_is_refused_the_second_time(amazon, vendor_endpoint):
    first = amazon.send_to_partner(PAYLOAD)
    second = amazon.send_to_partner(PAYLOAD, repeat_message_id=True)

    assert first.accepted and second.message_id == first.message_id
    assert len(vendor_endpoint.messages) == 1
    (error,) = vendor_endpoint.errors
    assert isinstance(error, as2.As2DuplicateError)
    assert second.mdn_status == "processed/Warning" and second.mdn_detail == "duplicate-document"


def test_a_message_to_another_as2_id_is_refused(amazon, vendor_endpoint):
    sent = amazon.send_to_partner(PAYLOAD, as2_to="SOMEBODY-ELSE")

    (error,) = vendor_endpoint.errors
    assert isinstance(error, as2.As2PartnerError)
    assert "SOMEBODY-ELSE" in str(error)
    # Not knowing itself as the AS2-To, the endpoint cannot sign its MDN: Amazon refuses it.
    assert not sent.accepted and sent.mdn_status == "failed/Failure"


def test_a_malformed_interchange_still_travels(amazon, vendor_endpoint):
    """AS2 carries what it is given: checking the X12 is the documents layer's business."""
    sent = amazon.send_to_partner(b"ISA*00*not an interchange at all")

    assert sent.accepted
    assert vendor_endpoint.messages[0].payload == b"ISA*00*not an interchange at all"


# read_message alone: messages made here as if by Amazon


@pytest.fixture(scope="module")
def amazon_keys():
    return generate_key_pair("AMAZON")


@pytest.fixture(scope="module")
def as_amazon(amazon_keys, our_keys):
    """Amazon's identity, and us as its partner: to make messages as Amazon would."""
    sender = as2.As2Identity("AMAZON", amazon_keys.private_key_pem, amazon_keys.certificate_pem)
    return sender, as2.As2Partner(VENDOR, our_keys.certificate_pem)


@pytest.fixture(scope="module")
def amazon_partner(amazon_keys):
    return as2.As2Partner("AMAZON", amazon_keys.certificate_pem)


def test_read_message_returns_the_payload_and_the_mdn(as_amazon, identity, amazon_partner):
    outbound = as2.build_message(*as_amazon, PAYLOAD, "850.edi")

    message = as2.read_message(identity, amazon_partner, outbound.headers, outbound.body)

    assert message.payload == PAYLOAD and message.message_id == outbound.message_id
    assert message.mic == outbound.mic
    result = as2.read_mdn(*as_amazon, outbound, message.mdn.headers, message.mdn.body)
    assert result.ok


@pytest.mark.parametrize("where", [0.1, 0.5, -5], ids=["start", "middle", "last-block"])
def test_a_tampered_body_is_refused(as_amazon, identity, amazon_partner, where):
    outbound = as2.build_message(*as_amazon, PAYLOAD, "850.edi")
    at = int(len(outbound.body) * where) if where > 0 else len(outbound.body) + where
    tampered = outbound.body[:at] + bytes([outbound.body[at] ^ 0x55]) + outbound.body[at + 1 :]

    with pytest.raises((as2.As2SignatureError, as2.As2DecryptionError)) as refused:
        as2.read_message(identity, amazon_partner, outbound.headers, tampered)

    assert refused.value.mdn is not None
    assert b"processed/Error" in refused.value.mdn.body


def test_a_message_from_an_unknown_as2_id_is_refused(as_amazon, identity, amazon_partner):
    outbound = as2.build_message(*as_amazon, PAYLOAD, "850.edi")
    headers = {**outbound.headers, "AS2-From": "NOT-AMAZON"}

    with pytest.raises(as2.As2PartnerError, match="from 'NOT-AMAZON'"):
        as2.read_message(identity, amazon_partner, headers, outbound.body)


def test_a_message_for_another_as2_id_is_refused(as_amazon, identity, amazon_partner):
    outbound = as2.build_message(*as_amazon, PAYLOAD, "850.edi")
    headers = {**outbound.headers, "AS2-To": "ANOTHER-VENDOR"}

    with pytest.raises(as2.As2PartnerError, match="to 'ANOTHER-VENDOR'"):
        as2.read_message(identity, amazon_partner, headers, outbound.body)


def test_a_message_encrypted_for_someone_else_is_refused(
    amazon_keys, other_keys, identity, amazon_partner
):
    sender = as2.As2Identity("AMAZON", amazon_keys.private_key_pem, amazon_keys.certificate_pem)
    wrong_recipient = as2.As2Partner(VENDOR, other_keys.certificate_pem)
    outbound = as2.build_message(sender, wrong_recipient, PAYLOAD, "850.edi")

    with pytest.raises(as2.As2DecryptionError):
        as2.read_message(identity, amazon_partner, outbound.headers, outbound.body)


def test_unsigned_and_unencrypted_messages_are_refused(as_amazon, identity, amazon_partner):
    lib = as2.load_pyas2lib()
    sender, recipient = as_amazon
    key = sender.private_key_pem + sender.certificate_pem
    organization = lib.Organization(as2_name="AMAZON", sign_key=key, decrypt_key=key)
    for sign, encrypt, refusal in (
        (False, True, as2.As2SignatureError),
        (True, False, as2.As2DecryptionError),
    ):
        remote = lib.Partner(
            as2_name=VENDOR,
            encrypt_cert=recipient.certificate_pem,
            sign=sign,
            encrypt=encrypt,
            mdn_mode="SYNC",
            mdn_digest_alg="sha256",
        )
        message = lib.Message(sender=organization, receiver=remote)
        message.build(PAYLOAD, filename="850.edi", content_type=as2.X12_CONTENT_TYPE)

        with pytest.raises(refusal, match=r"is not (signed|encrypted)"):
            as2.read_message(identity, amazon_partner, message.headers, message.content)


def test_signatures_of_amazons_next_certificate_are_accepted(
    as_amazon, identity, amazon_partner, other_keys
):
    """While Amazon changes certificates, both the current and the next one verify."""
    outbound = as2.build_message(*as_amazon, PAYLOAD, "850.edi")
    changing = dataclasses.replace(
        amazon_partner,
        certificate_pem=other_keys.certificate_pem,
        verification_certificates_pem=(amazon_partner.certificate_pem,),
    )

    assert as2.read_message(identity, changing, outbound.headers, outbound.body).payload == PAYLOAD
    current_only = dataclasses.replace(amazon_partner, certificate_pem=other_keys.certificate_pem)
    with pytest.raises(as2.As2SignatureError):
        as2.read_message(identity, current_only, outbound.headers, outbound.body)


# Configuration, keys and secrecy


def test_generated_key_pairs_are_rsa_2048_sha256_and_encrypted_with_their_password(our_keys):
    certificate = x509.load_pem_x509_certificate(our_keys.certificate_pem)
    assert certificate.signature_hash_algorithm.name == "sha256"
    assert certificate.public_key().key_size == 2048
    assert b"ENCRYPTED PRIVATE KEY" in our_keys.private_key_pem
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(our_keys.private_key_pem, None)
    info = certificate_info(our_keys.certificate_pem)
    assert info.subject == f"O=Vendor Test,CN={VENDOR}"
    assert (info.not_valid_after - info.not_valid_before).days == 730
    assert info.fingerprint_sha256 == our_keys.fingerprint_sha256
    assert PASSWORD not in repr(our_keys) and "PRIVATE" not in repr(our_keys)
    with pytest.raises(ValueError, match="not a PEM"):
        certificate_info(b"nonsense")


def test_a_wrong_password_or_a_foreign_certificate_is_a_configuration_error(
    our_keys, other_keys, partner
):
    wrong_password = as2.As2Identity(
        VENDOR, our_keys.private_key_pem, our_keys.certificate_pem, "wrong-password"
    )
    with pytest.raises(as2.As2ConfigurationError, match="cannot be loaded") as refused:
        as2.build_message(wrong_password, partner, PAYLOAD, "855.edi")
    assert "wrong-password" not in str(refused.value)

    mismatched = as2.As2Identity(
        VENDOR, our_keys.private_key_pem, other_keys.certificate_pem, PASSWORD
    )
    with pytest.raises(as2.As2ConfigurationError, match="not the one of our private key"):
        as2.build_message(mismatched, partner, PAYLOAD, "855.edi")


def test_unsupported_settings_are_refused(amazon_keys):
    for settings, complaint in (
        ({"encryption": "rc2_128_cbc"}, "encryption"),
        ({"signature": "sha1"}, "signature"),
        ({"mdn_mode": "async"}, "MDN mode"),
    ):
        with pytest.raises(as2.As2ConfigurationError, match=complaint):
            as2.As2Partner("AMAZON", amazon_keys.certificate_pem, **settings)


def test_no_payload_key_password_or_certificate_in_errors_reprs_or_logs(
    caplog, amazon, vendor_endpoint, our_keys, other_keys
):
    identity, partner = vendor_endpoint.identity, vendor_endpoint.partner
    caplog.set_level(logging.DEBUG)
    impostor = as2.As2Identity(VENDOR, other_keys.private_key_pem, other_keys.certificate_pem)
    with contextlib.suppress(as2.As2Error):
        outbound = as2.build_message(impostor, partner, PAYLOAD, "855.edi")
        response = post(outbound, partner.url)
        as2.read_mdn(identity, partner, outbound, response.headers, b"garbage" + response.content)
    amazon.send_to_partner(PAYLOAD, bad_signature=True)
    amazon.send_to_partner(PAYLOAD, as2_to="SOMEBODY-ELSE")

    secrets = (
        PASSWORD,
        "PAYLOADMARKER1",
        "PRIVATE KEY",
        "BEGIN CERTIFICATE",
        our_keys.certificate_pem.decode().splitlines()[1][:40],
    )
    texts = [str(error) for error in vendor_endpoint.errors]
    texts += [repr(identity), repr(partner)]
    texts += [caplog.text]
    assert vendor_endpoint.errors
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_the_addon_imports_without_pyas2lib():
    script = (
        "import sys; sys.modules['pyas2lib'] = None; "
        f"sys.path[:0] = [{str(REPO / 'amazon_connector')!r}]; "
        "from amazon_sp import as2; "
        "print(as2.pyas2lib_unavailable_reason())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert "needs the Python package pyas2lib" in done.stdout


@pytest.mark.parametrize("ffi", ["cffi", "ctypes"])
def test_oscrypto_reads_the_openssl_version_with_either_ffi(ffi):
    """oscrypto 1.3.0 fails on OpenSSL 3.0.10+ unless load_pyas2lib repairs its detection."""
    use_ffi = "import oscrypto; oscrypto.use_ctypes(); " if ffi == "ctypes" else ""
    script = (
        f"import sys; sys.path[:0] = [{str(REPO / 'amazon_connector')!r}]; {use_ffi}"
        "from amazon_sp import as2; as2.load_pyas2lib(); "
        "import oscrypto; from oscrypto._openssl import _libcrypto; "
        "from oscrypto import symmetric; "
        "key, data = b'k' * 32, b'still readable'; "
        "iv, secret = symmetric.aes_cbc_pkcs7_encrypt(key, data, None); "
        "assert symmetric.aes_cbc_pkcs7_decrypt(key, secret, iv) == data; "
        "print(oscrypto.ffi(), _libcrypto.libcrypto_version)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    used, version = done.stdout.split()
    assert used == ffi
    assert version.count(".") == 2 and version.split(".")[0].isdigit()
