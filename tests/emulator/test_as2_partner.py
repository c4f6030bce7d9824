"""Amazon's AS2 partner in the emulator: the vendor's files taken only signed and encrypted by
the configured partner and answered with signed MDNs, their envelopes checked and answered
with 997s; Amazon's 850s (envelopes and counts) and 997s sent signed and encrypted, with the
faults tests need. The vendor's side here is pyas2lib itself, not the addon's AS2 code."""

import importlib.util
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from emulator_support import NOW

from amazon_emulator.as2_partner import (
    AMAZON_AS2_ID,
    X12_CONTENT_TYPE,
    check_interchange,
    load_pyas2lib,
    make_850,
    make_997,
    make_key_pair,
)

requires_pyas2lib = pytest.mark.skipif(
    importlib.util.find_spec("pyas2lib") is None,
    reason="the AS2 partner needs the pyas2lib package (requirements.txt), not installed here",
)

VENDOR = "VENDOREMUTEST"
ITEMS = [
    {
        "quantity": 12,
        "unit_price": "4.5",
        "ean": "4006381333931",
        "asin": "B000MUG001",
        "vendor_sku": "MUG-1",
        "pack": 6,
        "list_price": "9.99",
    },
    {"quantity": 3, "unit_price": "10.00", "upc": "012345678905"},
]


def segments(text):
    return [segment.split("*") for segment in text.split("~") if segment]


def tags(text):
    return [segment[0] for segment in segments(text)]


def vendor_interchange(kind="855", control="000000777", group="777", body=None):
    """An interchange as a vendor sends it (a valid one unless changed)."""
    body = body or ["BAK*00*AC*4501ABCD*20260302", "CTT*1"]
    isa = (
        f"ISA*00*          *00*          *ZZ*{VENDOR:<15}*ZZ*AMAZON         *260302*1200*U*00401"
        f"*{control}*0*P*>"
    )
    functional_id = {"855": "PR", "856": "SH", "810": "IN", "997": "FA"}.get(kind, "PR")
    lines = [
        isa,
        f"GS*{functional_id}*{VENDOR}*AMAZON*20260302*1200*{group}*X*004010",
        f"ST*{kind}*0001",
        *body,
        f"SE*{len(body) + 2}*0001",
        f"GE*1*{group}",
        f"IEA*1*{control}",
    ]
    return "~".join(lines) + "~"


# Amazon's 850


def test_the_850_follows_amazons_guide_with_correct_envelopes_and_counts():
    text = make_850(
        "4501ABCD",
        ITEMS,
        control_number=42,
        receiver_id="VENDORX12",
        vendor_code="VNDR1",
        ordered=NOW,
        ship_to="PHX7",
        delivery_window=(date(2026, 3, 9), date(2026, 3, 16)),
    )

    found = segments(text)
    isa = text.split("~")[0] + "~"
    assert len(isa) == 106
    assert found[0][5:9] == ["ZZ", "AMAZON         ", "ZZ", "VENDORX12      "]
    assert found[0][13] == "000000042" and found[0][16] == ">"
    assert found[1] == ["GS", "PO", "AMAZON", "VENDORX12", "20260302", "1200", "42", "X", "004010"]
    assert tags(text) == [
        "ISA", "GS", "ST", "BEG", "CUR", "REF", "FOB", "CSH", "DTM", "DTM", "N1",
        "PO1", "PO4", "CTP", "PO1", "CTT", "SE", "GE", "IEA",
    ]  # fmt: skip
    by_tag = {segment[0]: segment for segment in found}
    assert found[2] == ["ST", "850", "0001"]
    assert by_tag["BEG"] == ["BEG", "00", "NE", "4501ABCD", "", "20260302"]
    assert by_tag["CUR"] == ["CUR", "BY", "USD"]
    assert by_tag["REF"] == ["REF", "CR", "VNDR1"]
    assert by_tag["FOB"] == ["FOB", "CC"] and by_tag["CSH"] == ["CSH", "Y"]
    assert found[8] == ["DTM", "064", "20260309"] and found[9] == ["DTM", "063", "20260316"]
    assert by_tag["N1"] == ["N1", "ST", "", "92", "PHX7"]
    first, second = (segment for segment in found if segment[0] == "PO1")
    assert first == [
        "PO1", "1", "12", "EA", "4.50", "NT",
        "EN", "4006381333931", "BP", "B000MUG001", "VN", "MUG-1",
    ]  # fmt: skip
    assert second == ["PO1", "2", "3", "EA", "10.00", "NT", "UP", "012345678905"]
    assert by_tag["PO4"] == ["PO4", "6"] and by_tag["CTP"] == ["CTP", "", "SLP", "9.99"]
    assert by_tag["CTT"] == ["CTT", "2", "15"]
    st_to_se = tags(text)[2:-2]
    assert by_tag["SE"] == ["SE", str(len(st_to_se)), "0001"]
    assert by_tag["GE"] == ["GE", "1", "42"] and by_tag["IEA"] == ["IEA", "1", "000000042"]
    checked = check_interchange(text, kinds=["850"])
    assert checked.valid, checked.errors
    assert checked.kinds == ["850"] and checked.sender_id == "AMAZON"


def test_an_850_needs_items_with_product_ids():
    options = {"control_number": 1, "receiver_id": "V", "vendor_code": "V", "ordered": NOW}
    with pytest.raises(ValueError, match="one item"):
        make_850("4501", [], **options)
    with pytest.raises(ValueError, match="no product id"):
        make_850("4501", [{"quantity": 1, "unit_price": "1"}], **options)


def test_amazons_control_numbers_increase(emulator):
    emulator.as2.configure_partner(VENDOR, b"unused", interchange_id="VENDORX12")

    first = emulator.as2.make_850("4501AAAA", ITEMS)
    second = emulator.as2.make_850("4501BBBB", ITEMS, back_orders_allowed=False)

    first_number = int(segments(first)[0][13])
    assert int(segments(second)[0][13]) == first_number + 1
    assert segments(second)[1][6] == str(first_number + 1)
    assert segments(second)[-1] == ["IEA", "1", f"{first_number + 1:09d}"]
    assert ["CSH", "N"] in segments(second) and ["REF", "CR", "VENDORX12"] in segments(second)
    assert segments(first)[0][8].strip() == "VENDORX12"
    assert emulator.as2.next_control_number() == first_number + 2


# Envelope checks and the 997


def test_a_valid_interchange_gets_a_positive_997():
    checked = check_interchange(vendor_interchange())

    assert checked.valid and checked.kinds == ["855"] and checked.sender_id == VENDOR
    acknowledgement = make_997(checked, control_number=5, moment=NOW)
    found = segments(acknowledgement)
    assert found[0][6].strip() == "AMAZON" and found[0][8].strip() == VENDOR
    assert found[1][:2] == ["GS", "FA"]
    assert found[2:8] == [
        ["ST", "997", "0001"],
        ["AK1", "PR", "777"],
        ["AK2", "855", "0001"],
        ["AK5", "A"],
        ["AK9", "A", "1", "1", "1"],
        ["SE", "6", "0001"],
    ]
    assert check_interchange(acknowledgement).valid


def _shorter_isa(text):
    return text.replace("*00*          *00*", "*00*         *00*", 1)


@pytest.mark.parametrize(
    ("name", "change", "ak5", "ak9"),
    [
        ("ISA not 106 characters", _shorter_isa, ["AK5", "R"], ["R", "1", "1", "0"]),
        (
            "SE01 wrong",
            lambda text: text.replace("SE*4*0001", "SE*5*0001"),
            ["AK5", "R", "4"],
            ["R", "1", "1", "0"],
        ),
        (
            "SE02 not ST02",
            lambda text: text.replace("SE*4*0001", "SE*4*0002"),
            ["AK5", "R", "3"],
            ["R", "1", "1", "0"],
        ),
        (
            "GE01 wrong",
            lambda text: text.replace("GE*1*777", "GE*2*777"),
            ["AK5", "A"],
            ["R", "2", "1", "1", "5"],
        ),
        (
            "GE02 not GS06",
            lambda text: text.replace("GE*1*777", "GE*1*778"),
            ["AK5", "A"],
            ["R", "1", "1", "1", "4"],
        ),
        (
            "IEA01 wrong",
            lambda text: text.replace("IEA*1*", "IEA*3*"),
            ["AK5", "R"],
            ["R", "1", "1", "0"],
        ),
        (
            "IEA02 not ISA13",
            lambda text: text.replace("IEA*1*000000777", "IEA*1*000000778"),
            ["AK5", "R"],
            ["R", "1", "1", "0"],
        ),
        (
            "no IEA",
            lambda text: text.replace("IEA*1*000000777~", ""),
            ["AK5", "R"],
            ["R", "1", "1", "0"],
        ),
        (
            "a set Amazon does not take",
            lambda text: text.replace("ST*855", "ST*850"),
            ["AK5", "R", "1"],
            ["R", "1", "1", "0"],
        ),
    ],
)
def test_wrong_envelopes_get_a_negative_997(name, change, ak5, ak9):
    text = change(vendor_interchange())
    assert text != vendor_interchange(), name

    checked = check_interchange(text)

    assert not checked.valid, name
    found = segments(make_997(checked, control_number=6, moment=NOW))
    assert next(segment for segment in found if segment[0] == "AK5") == ak5
    assert next(segment for segment in found if segment[0] == "AK9")[1:] == ak9


def test_what_is_no_interchange_is_reported_without_997():
    checked = check_interchange("hello, this is not X12")

    assert checked.errors == ["not an X12 interchange: it does not start with ISA"]
    assert make_997(checked, control_number=7, moment=NOW) is None
    assert (
        make_997(check_interchange(vendor_interchange("997")), control_number=8, moment=NOW) is None
    )


# AS2 inbound (POST /as2)


@pytest.fixture(scope="module")
def vendor_keys():
    return make_key_pair(VENDOR)


@pytest.fixture(scope="module")
def other_keys():
    return make_key_pair("SOMEONE-ELSE")


@pytest.fixture
def amazon(emulator, vendor_keys):
    emulator.as2.configure_partner(VENDOR, vendor_keys.certificate_pem)
    return emulator.as2


class Vendor:
    """A vendor's AS2 software (pyas2lib, configured for Amazon)."""

    def __init__(self, keys, amazon_certificate):
        self.lib = load_pyas2lib()
        self.keys = keys
        self.amazon_certificate = amazon_certificate

    def organization(self, keys=None, as2_id=VENDOR):
        pem = (keys or self.keys).pem
        return self.lib.Organization(as2_name=as2_id, sign_key=pem, decrypt_key=pem)

    def amazon(self, sign=True, encrypt=True):
        return self.lib.Partner(
            as2_name=AMAZON_AS2_ID,
            verify_cert=self.amazon_certificate,
            encrypt_cert=self.amazon_certificate,
            sign=sign,
            encrypt=encrypt,
            enc_alg="aes_256_cbc",
            digest_alg="sha256",
            mdn_mode="SYNC",
            mdn_digest_alg="sha256",
        )

    def message(self, payload, *, sign=True, encrypt=True, keys=None, as2_from=VENDOR):
        message = self.lib.Message(
            sender=self.organization(keys, as2_from), receiver=self.amazon(sign, encrypt)
        )
        message.build(payload, filename="vendor.edi", content_type=X12_CONTENT_TYPE)
        return message

    def post(self, url, message):
        headers = {k: " ".join(v.split()) for k, v in message.headers.items()}
        response = httpx.post(url, headers=headers, content=message.content, timeout=10)
        assert response.status_code == 200
        raw = "".join(f"{k}: {v}\r\n" for k, v in response.headers.items()).encode()
        return self.lib.Mdn().parse(raw + b"\r\n" + response.content, lambda *_: message)


@pytest.fixture
def vendor(amazon, vendor_keys):
    return Vendor(vendor_keys, amazon.certificate_pem)


@requires_pyas2lib
def test_a_signed_encrypted_file_is_taken_answered_with_a_signed_mdn_and_a_997(amazon, vendor):
    payload = vendor_interchange().encode()
    message = vendor.message(payload)

    status, detail = vendor.post(amazon.url, message)

    assert (status, detail) == ("processed", None)  # signed by Amazon, MIC confirmed
    (received,) = amazon.received
    assert received.payload == payload and received.kind == "855"
    assert received.message_id == message.message_id and received.as2_from == VENDOR
    assert received.envelope_errors == [] and received.received == NOW
    assert amazon.pending_acknowledgements == [received.acknowledgement]
    assert ["AK9", "A", "1", "1", "1"] in segments(received.acknowledgement)


@requires_pyas2lib
@pytest.mark.parametrize("kind", ["856", "810", "997"])
def test_the_kind_of_a_file_is_its_transaction_set(amazon, vendor, kind):
    vendor.post(amazon.url, vendor.message(vendor_interchange(kind).encode()))

    (received,) = amazon.received
    assert received.kind == kind and received.envelope_errors == []
    assert (received.acknowledgement is None) == (kind == "997")


@requires_pyas2lib
@pytest.mark.parametrize(
    ("options", "detail"),
    [
        pytest.param({"sign": False}, "insufficient-message-security", id="unsigned"),
        pytest.param({"encrypt": False}, "insufficient-message-security", id="unencrypted"),
        pytest.param({"keys": "other"}, "authentication-failed", id="signed-by-another-key"),
        pytest.param(
            {"as2_from": "NOT-THE-VENDOR"}, "unknown-trading-partner", id="unknown-partner"
        ),
    ],
)
def test_what_amazon_cannot_trust_gets_a_negative_mdn(amazon, vendor, other_keys, options, detail):
    if options.get("keys") == "other":
        options = {**options, "keys": other_keys}
    message = vendor.message(vendor_interchange().encode(), **options)

    status, got = vendor.post(amazon.url, message)

    assert (status, got) == ("processed/Error", detail)
    assert amazon.received == [] and amazon.pending_acknowledgements == []
    (refused,) = amazon.refused
    assert refused.message_id == message.message_id and detail in refused.disposition


@requires_pyas2lib
def test_a_message_id_received_twice_is_taken_once(amazon, vendor):
    message = vendor.message(vendor_interchange().encode())

    assert vendor.post(amazon.url, message) == ("processed", None)
    assert vendor.post(amazon.url, message) == ("processed/Warning", "duplicate-document")
    assert len(amazon.received) == 1 and len(amazon.refused) == 1


@requires_pyas2lib
def test_a_malformed_interchange_travels_but_gets_a_negative_997(amazon, vendor):
    payload = vendor_interchange().replace("SE*4*0001", "SE*9*0001").encode()

    assert vendor.post(amazon.url, vendor.message(payload)) == ("processed", None)

    (received,) = amazon.received
    assert received.envelope_errors and "SE01" in received.envelope_errors[0]
    assert ["AK5", "R", "4"] in segments(received.acknowledgement)


def test_only_post_is_served_and_partners_are_on_loopback(emulator):
    response = httpx.get(emulator.as2.url, timeout=10)

    assert response.status_code == 405
    with pytest.raises(ValueError, match="loopback"):
        emulator.as2.configure_partner(VENDOR, b"pem", url="http://192.0.2.10/as2")


# AS2 outbound: Amazon to the vendor


class VendorEndpoint:
    """The vendor's AS2 URL: pyas2lib reads what Amazon posts and answers its MDN."""

    def __init__(self, vendor):
        self.vendor = vendor
        self.payloads, self.refusals, self.seen = [], [], set()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                content, headers = endpoint.receive(self.headers, body)
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, " ".join(value.split()))
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/as2"

    def receive(self, headers, body):
        lib, vendor = self.vendor.lib, self.vendor
        raw = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode() + b"\r\n" + body
        message = lib.Message()
        status, (error, _), mdn = message.parse(
            raw,
            find_org_cb=lambda as2_id: vendor.organization() if as2_id == VENDOR else None,
            find_partner_cb=lambda as2_id: vendor.amazon() if as2_id == AMAZON_AS2_ID else None,
            find_message_cb=lambda message_id, _partner: message_id in self.seen,
        )
        if error is None:
            self.seen.add(message.message_id)
            self.payloads.append(message.content)
        else:
            self.refusals.append(status)
        return mdn.content, mdn.headers


@pytest.fixture
def endpoint(amazon, vendor, vendor_keys):
    endpoint = VendorEndpoint(vendor)
    amazon.configure_partner(VENDOR, vendor_keys.certificate_pem, url=endpoint.url)
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


@requires_pyas2lib
def test_a_purchase_order_reaches_the_vendor_signed_and_encrypted(amazon, endpoint):
    sent = amazon.send_purchase_order("4501ABCD", ITEMS)

    assert sent.accepted and sent.http_status == 200 and sent.sent == NOW
    (payload,) = endpoint.payloads
    assert payload == sent.payload
    checked = check_interchange(payload.decode(), kinds=["850"])
    assert checked.valid and checked.receiver_id == VENDOR
    assert amazon.sent == [sent]


@requires_pyas2lib
def test_amazon_sends_the_997s_of_what_it_received(amazon, vendor, endpoint):
    vendor.post(amazon.url, vendor.message(vendor_interchange().encode()))

    (sent,) = amazon.send_acknowledgements()

    assert sent.accepted and amazon.pending_acknowledgements == []
    (payload,) = endpoint.payloads
    assert b"ST*997*0001~AK1*PR*777~" in payload


@requires_pyas2lib
def test_faults_a_bad_signature_a_repeated_message_id_and_any_payload(amazon, endpoint):
    first = amazon.send_to_partner(b"not even X12")
    assert first.accepted and endpoint.payloads == [b"not even X12"]

    repeated = amazon.send_to_partner(b"again", repeat_message_id=True)
    assert repeated.message_id == first.message_id
    assert (repeated.mdn_status, repeated.mdn_detail) == ("processed/Warning", "duplicate-document")

    forged = amazon.send_to_partner(b"forged", bad_signature=True)
    assert (forged.mdn_status, forged.mdn_detail) == ("processed/Error", "authentication-failed")
    assert not forged.accepted
    assert endpoint.payloads == [b"not even X12"]
    assert endpoint.refusals == ["processed/Warning", "processed/Error"]


@requires_pyas2lib
def test_reset_forgets_the_partner_and_the_messages_but_not_amazons_keys(amazon, vendor):
    certificate = amazon.certificate_pem
    vendor.post(amazon.url, vendor.message(vendor_interchange().encode()))

    amazon.reset()

    assert (
        amazon.partner is None and amazon.received == [] and amazon.pending_acknowledgements == []
    )
    assert amazon.certificate_pem == certificate
    with pytest.raises(ValueError, match="configure_partner"):
        amazon.send_to_partner(b"x")


# Routing: the vendor's 753, Amazon's 754


ROUTING_REQUEST_BODY = [
    "BGN*00*VS-0001*20260302*1200*GM",
    "N1*SF*ACME Housewares*92*WH01",
    "N3*1 Main Street",
    "N4*Seattle*WA*98101*US",
    "LX*1",
    "N1*ST**92*ABE2",
    "G62*10*20260304*I*0800*GM",
    "USI*2*PLT*N",
    "OID**4501ABCD**PLT*2*L*52.5",
]


def routing_request_interchange():
    """A vendor's 753 (request for routing instructions), in a group RF."""
    return vendor_interchange("753", body=ROUTING_REQUEST_BODY).replace("GS*PR*", "GS*RF*", 1)


def test_a_753_belongs_to_a_group_rf():
    assert check_interchange(routing_request_interchange()).valid
    in_a_pr_group = check_interchange(vendor_interchange("753", body=ROUTING_REQUEST_BODY))
    assert in_a_pr_group.errors == ["transaction set 753 in a group of 'PR', not 'RF'"]
    assert in_a_pr_group.groups[0].transaction_sets[0].error_codes == ["6"]


@requires_pyas2lib
def test_a_753_is_taken_and_acknowledged(amazon, vendor):
    vendor.post(amazon.url, vendor.message(routing_request_interchange().encode()))

    (received,) = amazon.received
    assert received.kind == "753" and received.envelope_errors == []
    assert b"AK1*RF*777~AK2*753*0001~AK5*A~AK9*A*1*1*1~" in received.acknowledgement.encode()


@requires_pyas2lib
def test_amazon_answers_the_last_753_with_a_754(amazon, vendor, endpoint):
    vendor.post(amazon.url, vendor.message(routing_request_interchange().encode()))
    pickup = NOW.replace(day=4, hour=13, minute=30)

    sent = amazon.send_routing_instructions(
        arn="ARN12345",
        carrier_scac="ABCD",
        pickup=pickup,
        carrier_name="ABCD Freight",
        bill_of_lading="BOL556677",
    )

    assert sent.accepted
    (payload,) = endpoint.payloads
    text = payload.decode()
    checked = check_interchange(text, kinds=["754"])
    assert checked.valid, checked.errors  # ISA 106, SE01, GE01, IEA01, control numbers
    assert checked.kinds == ["754"] and checked.receiver_id == VENDOR
    found = segments(text)
    control = found[0][13]
    assert found[1][:2] == ["GS", "RG"] and found[1][6] == str(int(control))
    st_to_se = tags(text)[2:-2]
    assert found[-3] == ["SE", str(len(st_to_se)), "0001"]
    assert found[-2] == ["GE", "1", str(int(control))] and found[-1] == ["IEA", "1", control]
    body = found[3:-3]
    assert body[0][:3] == ["BGN", "00", f"RI{int(control):07d}"]
    assert body[0][3:] == ["20260302", "1200", "GM", "VS-0001"]  # BGN06: the 753's BGN02
    assert ["N1", "SF", "ACME Housewares", "92", "WH01"] in body
    assert ["N1", "CA", "ABCD Freight", "2", "ABCD"] in body
    assert ["L11", "ARN12345", "AO"] in body and ["L11", "BOL556677", "BM"] in body
    assert ["BLR", "ABCD"] in body and ["OID", "", "4501ABCD"] in body
    assert ["G62", "10", "20260304", "U", "1330", "GM"] in body
    assert body[-1] == ["N1", "ST", "", "92", "ABE2"]


@requires_pyas2lib
def test_routing_instructions_need_a_753(amazon, vendor, endpoint):
    vendor.post(amazon.url, vendor.message(vendor_interchange().encode()))

    with pytest.raises(ValueError, match="no 753"):
        amazon.send_routing_instructions(arn="ARN1", carrier_scac="ABCD", pickup=NOW)
    assert endpoint.payloads == []
