"""Amazon's AS2 endpoint for vendors on EDI: X12 files signed and encrypted over HTTP, each
answered with a signed synchronous MDN (RFC 4130), and Amazon's own files (850 purchase
orders, 997 functional acknowledgements) sent the same way to the vendor's AS2 URL.

What Amazon requires, from its vendor EDI material: messages "digitally signed and
encrypted"; AES encryption, SHA-256 signatures and SHA-2 certificates (Amazon's 2019 AS2
security update); a signed MDN, synchronous. Amazon's AS2 id is `AMAZON`.

    with AmazonEmulator() as amazon:
        amazon.as2.configure_partner("VENDOR1", vendor_certificate_pem, url=vendor_as2_url)
        amazon.as2.certificate_pem  # what the vendor downloads from Vendor Central
        # the vendor POSTs to amazon.as2.url; then:
        amazon.as2.received  # the files Amazon took, with the 997 it made for each
        amazon.as2.send_purchase_order("4501", [{"quantity": 4, "unit_price": "5.00",
                                                  "asin": "B000MUG001"}])
        amazon.as2.send_acknowledgements()  # the 997s of what it received

Inbound (POST /as2): pyas2lib checks AS2-From / AS2-To, decrypts with Amazon's key and
verifies the signature with the vendor's certificate; what is unsigned, unencrypted, badly
signed, from an unknown partner or a message id already received gets a negative MDN and is
not stored. A file taken is stored with its kind (the ST01 of its transaction sets: 855, 856,
810, 997, 846, 753), its interchange envelope checked (ISA of 106 characters, ISA13 = IEA02, GS06 =
GE02, ST02 = SE02, and the counts of IEA01, GE01 and SE01); Amazon answers every functional
group but a 997 with a 997: accepted, or rejected with X12's AK5 / AK9 codes when the envelope
is wrong. The MDN only says the transport worked (a malformed interchange still gets a
positive MDN): EDI errors are the 997's.

Outbound: `send_to_partner` builds a signed and encrypted message to the configured partner's
URL (loopback only) and checks the signed MDN it answers with; `bad_signature` signs with a
key that is not Amazon's, `repeat_message_id` reuses the last message id, and any payload goes
(a malformed interchange included). `make_850` writes Amazon's retail purchase order
(X12 4010) from Amazon's 850 implementation guide; the control numbers Amazon sends increase.
`send_routing_instructions` answers the last 753 (request for routing instructions) taken
with a 754 (routing instructions, `make_754`): the ARN, the carrier and the pickup Amazon
assigned, echoing the 753's shipment id, ship-from, warehouse and purchase orders.

The X12 written and read here is the emulator's own, as is its AS2 setup: Amazon's side never
shares the client's code. pyas2lib is imported on first use, with the same repair of
oscrypto's OpenSSL version detection that any user of oscrypto 1.3.0 needs on OpenSSL 3.0.10
and later (see `load_pyas2lib`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import ipaddress
import logging
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from email import message_from_bytes
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .wire import Reply, Request

_log = logging.getLogger("amazon_emulator.as2")

AS2_PATH = "/as2"
AS2_OPERATION = "as2"
AMAZON_AS2_ID = "AMAZON"
AMAZON_INTERCHANGE_ID = "AMAZON"
X12_CONTENT_TYPE = "application/EDI-X12"
# Amazon takes these from a vendor; it acknowledges each functional group but a 997.
RECEIVED_KINDS = ("855", "856", "810", "997", "846", "753")
GROUP_OF_KIND = {
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "810": "IN",
    "997": "FA",
    "846": "IB",
    "753": "RF",
    "754": "RG",
}
ISA_LENGTH = 106

# X12 codes of the 997 (4010): AK5 (718) and AK9 (716).
TRANSACTION_SET_NOT_SUPPORTED = "1"
TRANSACTION_SET_TRAILER_MISSING = "2"
CONTROL_NUMBERS_DIFFER = "3"
SEGMENT_COUNT_WRONG = "4"
INVALID_TRANSACTION_SET_ID = "6"
GROUP_TRAILER_MISSING = "3"
GROUP_CONTROL_NUMBERS_DIFFER = "4"
GROUP_SET_COUNT_WRONG = "5"


# pyas2lib and keys


_load_lock = threading.Lock()
_OSCRYPTO_VERSION_PATTERN = r"'\\b(\\d\\.\\d\\.\\d[a-z]*)\\b'"
_OSCRYPTO_FIXED_PATTERN = r"'\\b(\\d+\\.\\d+\\.\\d+[a-z]*)\\b'"


class As2Unavailable(RuntimeError):
    """pyas2lib cannot be imported here."""


def load_pyas2lib():
    """pyas2lib. oscrypto 1.3.0 reads libcrypto's version with a one-digit-per-part pattern
    that "OpenSSL 3.0.19" fails (wbond/oscrypto#75, fixed after the release): its detection
    module is loaded first from its own source with the pattern fixed as upstream did."""
    with _load_lock:
        try:
            oscrypto = importlib.import_module("oscrypto")
            if oscrypto.backend() == "openssl":
                _load_fixed_libcrypto_module(f"oscrypto._openssl._libcrypto_{oscrypto.ffi()}")
            pyas2lib = importlib.import_module("pyas2lib")
            importlib.import_module("pyas2lib.exceptions")
        except Exception as error:
            raise As2Unavailable(f"pyas2lib cannot be imported: {type(error).__name__}") from None
        return pyas2lib


def _load_fixed_libcrypto_module(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    source = spec.loader.get_source(name) if spec and spec.loader else None
    if not source or _OSCRYPTO_VERSION_PATTERN not in source:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        fixed = source.replace(_OSCRYPTO_VERSION_PATTERN, _OSCRYPTO_FIXED_PATTERN)
        exec(compile(fixed, spec.origin, "exec"), module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    setattr(sys.modules["oscrypto._openssl"], name.rpartition(".")[2], module)


@dataclass(frozen=True)
class KeyPair:
    private_key_pem: bytes = field(repr=False)
    certificate_pem: bytes = field(repr=False)

    @property
    def pem(self) -> bytes:
        """Key and certificate in one PEM text, as pyas2lib loads them."""
        return self.private_key_pem.strip() + b"\n" + self.certificate_pem.strip() + b"\n"


def make_key_pair(common_name: str, days: int = 365) -> KeyPair:
    """An RSA 2048 key and its self-signed SHA-256 certificate, valid from now (the real
    time, not the emulator's clock: OpenSSL checks certificates against the real time)."""
    start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    start -= dt.timedelta(minutes=5)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return KeyPair(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate.public_bytes(serialization.Encoding.PEM),
    )


# X12: what Amazon writes


def make_850(
    purchase_order_number: str,
    items: Iterable[Mapping],
    *,
    control_number: int,
    receiver_id: str,
    vendor_code: str,
    ordered: dt.datetime,
    ship_to: str = "RNO1",
    delivery_window: tuple[dt.date, dt.date] | None = None,
    currency: str = "USD",
    freight_terms: str = "CC",
    back_orders_allowed: bool = True,
    order_type: str = "NE",
    sender_id: str = AMAZON_INTERCHANGE_ID,
    receiver_qualifier: str = "ZZ",
    usage: str = "P",
) -> str:
    """Amazon's retail purchase order, X12 4010 850, one interchange of one group:

    - ISA (`ZZ*AMAZON` to the vendor's `receiver_id`), GS `PO`, ST 850;
    - BEG 00 (original) `order_type` (NE new order, NP new product introduction, RO rush,
      CN consigned), the order number and date; CUR BY (the buyer's currency);
    - REF CR: the vendor code the order is for; FOB: `freight_terms` (CC collect: Amazon
      picks the freight up; PP prepaid); CSH: Y back orders allowed if out of stock, N not;
    - DTM 064 / 063: do not deliver before / after (`delivery_window`, default a week from
      the order to a week later);
    - N1 ST ... 92: the Amazon warehouse (fulfilment centre code, `ship_to`);
    - per item, PO1 (line, quantity, unit (EA), net unit cost `NT`, and the product ids
      given: EN (EAN), UP (UPC), IB (ISBN), BP (the ASIN, Amazon's part number), VN (the
      vendor's SKU)), PO4 (the pack: units per case) and CTP (list price) when given;
    - CTT (lines, total quantity), SE / GE / IEA with their counts.

    `items`: mappings with `quantity`, `unit_price` and some of `ean`, `upc`, `isbn`,
    `asin`, `vendor_sku`; `pack`, `list_price`, `unit_of_measure` (EA) are optional. The
    group control number is the interchange's.
    """
    items = list(items)
    if not items:
        raise ValueError("a purchase order has one item at least")
    window = delivery_window or (
        (ordered + dt.timedelta(days=7)).date(),
        (ordered + dt.timedelta(days=14)).date(),
    )
    body = [
        ["BEG", "00", order_type, purchase_order_number, "", f"{ordered:%Y%m%d}"],
        ["CUR", "BY", currency],
        ["REF", "CR", vendor_code],
        ["FOB", freight_terms],
        ["CSH", "Y" if back_orders_allowed else "N"],
        ["DTM", "064", f"{window[0]:%Y%m%d}"],
        ["DTM", "063", f"{window[1]:%Y%m%d}"],
        ["N1", "ST", "", "92", ship_to],
    ]
    total_quantity = 0
    for line, item in enumerate(items, start=1):
        quantity = int(item["quantity"])
        total_quantity += quantity
        product_ids = [
            element
            for key, qualifier in (
                ("ean", "EN"),
                ("upc", "UP"),
                ("isbn", "IB"),
                ("asin", "BP"),
                ("vendor_sku", "VN"),
            )
            if item.get(key)
            for element in (qualifier, str(item[key]))
        ]
        if not product_ids:
            raise ValueError(f"item {line} has no product id (ean, upc, isbn, asin, vendor_sku)")
        unit = item.get("unit_of_measure", "EA")
        price = _amount(item["unit_price"])
        body.append(["PO1", str(line), str(quantity), unit, price, "NT", *product_ids])
        if item.get("pack"):
            body.append(["PO4", str(int(item["pack"]))])
        if item.get("list_price") is not None:
            body.append(["CTP", "", "SLP", _amount(item["list_price"])])
    body.append(["CTT", str(len(items)), str(total_quantity)])
    return _interchange(
        "PO",
        [("850", body)],
        control_number=control_number,
        sender_id=sender_id,
        receiver_id=receiver_id,
        receiver_qualifier=receiver_qualifier,
        moment=ordered,
        usage=usage,
    )


def make_997(
    checked: InterchangeCheck,
    *,
    control_number: int,
    moment: dt.datetime,
    sender_id: str = AMAZON_INTERCHANGE_ID,
    usage: str = "P",
) -> str | None:
    """The 997s (one per functional group, in one interchange) Amazon answers a checked
    interchange with: AK1, an AK2 / AK5 per transaction set (A, or R with its code), AK9
    (A, P when some sets were rejected, R when all were or the group or interchange is
    wrong). None when there is no group to acknowledge (or only 997s)."""
    groups = [group for group in checked.groups if group.functional_id != "FA"]
    if not groups:
        return None
    receiver_qualifier, receiver_id = checked.sender_qualifier or "ZZ", checked.sender_id
    transaction_sets = []
    for group in groups:
        body = [["AK1", group.functional_id, group.control_number]]
        accepted = 0
        for transaction in group.transaction_sets:
            body.append(["AK2", transaction.kind, transaction.control_number])
            rejected = transaction.error_codes or checked.interchange_errors
            if rejected:
                body.append(["AK5", "R", *transaction.error_codes[:5]])
            else:
                accepted += 1
                body.append(["AK5", "A"])
        received = len(group.transaction_sets)
        if group.error_codes or checked.interchange_errors or accepted == 0:
            status = "R"
        elif accepted < received:
            status = "P"
        else:
            status = "A"
        included = group.declared_count if group.declared_count is not None else received
        body.append(["AK9", status, str(included), str(received), str(accepted)])
        body[-1].extend(group.error_codes[:5])
        transaction_sets.append(("997", body))
    return _interchange(
        "FA",
        transaction_sets,
        control_number=control_number,
        sender_id=sender_id,
        receiver_id=receiver_id,
        receiver_qualifier=receiver_qualifier,
        moment=moment,
        usage=usage,
    )


@dataclass(frozen=True)
class RoutingRequestSeen:
    """What Amazon's translator takes from a vendor's 753 to route it."""

    vendor_shipment_id: str  # BGN02
    purchase_order_numbers: tuple[str, ...]  # OID02
    ship_from: tuple[str, ...] = ()  # the N1 SF elements after N101
    ship_to: str = ""  # N104 of the N1 ST


def read_routing_request(text: str) -> RoutingRequestSeen | None:
    """The last 753 of an interchange (its envelope is `check_interchange`'s business), None
    without one."""
    found = None
    current = None
    for segment in _split_segments(text.lstrip(), InterchangeCheck()):
        tag = segment[0].strip()
        if tag == "ST":
            current = {"kind": _element(segment, 1), "numbers": [], "after_lx": False}
            current.update(shipment="", ship_from=(), ship_to="")
        elif current is None or current["kind"] != "753":
            continue
        elif tag == "BGN":
            current["shipment"] = _element(segment, 2)
        elif tag == "LX":
            current["after_lx"] = True
        elif tag == "N1" and _element(segment, 1) == "SF" and not current["after_lx"]:
            current["ship_from"] = tuple(element.strip() for element in segment[2:])
        elif tag == "N1" and _element(segment, 1) == "ST":
            current["ship_to"] = _element(segment, 4)
        elif tag == "OID" and _element(segment, 2):
            current["numbers"].append(_element(segment, 2))
        elif tag == "SE":
            found = RoutingRequestSeen(
                current["shipment"],
                tuple(dict.fromkeys(current["numbers"])),
                current["ship_from"],
                current["ship_to"],
            )
            current = None
    return found


def make_754(
    request: RoutingRequestSeen,
    *,
    arn: str,
    carrier_scac: str,
    pickup: dt.datetime,
    control_number: int,
    receiver_id: str,
    issued: dt.datetime,
    carrier_name: str = "",
    bill_of_lading: str = "",
    carrier_reference: str = "",
    sender_id: str = AMAZON_INTERCHANGE_ID,
    receiver_qualifier: str = "ZZ",
    usage: str = "P",
) -> str:
    """Amazon's routing instructions, a 754 in one interchange of one group (GS `RG`), the
    segments of X12's 754:

    - BGN 00, Amazon's reference (RI and the control number), the date and time (GM), BGN06
      the BGN02 of the 753 answered (the vendor shipment id);
    - N1 SF: the 753's ship-from; N1 CA: the carrier (`carrier_name`, 2 and the SCAC);
    - LX 1; L11 AO the ARN, BM the bill of lading, CN the carrier's PRO number when given;
      BLR the SCAC; an OID (OID02) per purchase order of the 753; G62 10 the scheduled
      pickup (time qualifier U, in UTC: GM); N1 ST 92 the 753's warehouse;
    - SE / GE / IEA with their counts.
    """
    moment = _utc(pickup)
    body = [
        [
            "BGN",
            "00",
            f"RI{control_number:07d}",
            f"{issued:%Y%m%d}",
            f"{issued:%H%M}",
            "GM",
            request.vendor_shipment_id,
        ]
    ]
    if request.ship_from:
        body.append(["N1", "SF", *request.ship_from])
    if carrier_name:
        body.append(["N1", "CA", carrier_name, "2", carrier_scac])
    body.append(["LX", "1"])
    for value, qualifier in (
        (arn, "AO"),
        (bill_of_lading, "BM"),
        (carrier_reference, "CN"),
    ):
        if value:
            body.append(["L11", value, qualifier])
    body.append(["BLR", carrier_scac])
    body.extend(["OID", "", number] for number in request.purchase_order_numbers)
    body.append(["G62", "10", f"{moment:%Y%m%d}", "U", f"{moment:%H%M}", "GM"])
    if request.ship_to:
        body.append(["N1", "ST", "", "92", request.ship_to])
    return _interchange(
        "RG",
        [("754", body)],
        control_number=control_number,
        sender_id=sender_id,
        receiver_id=receiver_id,
        receiver_qualifier=receiver_qualifier,
        moment=issued,
        usage=usage,
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    """A datetime in UTC (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.timezone.utc)


def _interchange(
    functional_id: str,
    transaction_sets: list[tuple[str, list[list[str]]]],
    *,
    control_number: int,
    sender_id: str,
    receiver_id: str,
    receiver_qualifier: str,
    moment: dt.datetime,
    usage: str,
) -> str:
    control = f"{control_number:09d}"
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        f"{sender_id:<15}"[:15],
        receiver_qualifier,
        f"{receiver_id:<15}"[:15],
        f"{moment:%y%m%d}",
        f"{moment:%H%M}",
        "U",
        "00401",
        control,
        "0",
        usage,
        ">",
    ]
    segments = [
        isa,
        [
            "GS",
            functional_id,
            sender_id,
            receiver_id,
            f"{moment:%Y%m%d}",
            f"{moment:%H%M}",
            str(control_number),
            "X",
            "004010",
        ],
    ]
    for number, (kind, body) in enumerate(transaction_sets, start=1):
        set_control = f"{number:04d}"
        segments.append(["ST", kind, set_control])
        segments.extend(body)
        segments.append(["SE", str(len(body) + 2), set_control])
    segments.append(["GE", str(len(transaction_sets)), str(control_number)])
    segments.append(["IEA", "1", control])
    return "".join("*".join(segment) + "~" for segment in segments)


def _amount(value) -> str:
    return f"{Decimal(str(value)):.2f}"


# X12: what Amazon reads


@dataclass
class TransactionSetCheck:
    kind: str  # ST01
    control_number: str  # ST02
    error_codes: list[str] = field(default_factory=list)  # AK5 codes


@dataclass
class GroupCheck:
    functional_id: str  # GS01
    control_number: str  # GS06
    declared_count: int | None = None  # GE01
    transaction_sets: list[TransactionSetCheck] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)  # AK9 codes


@dataclass
class InterchangeCheck:
    """An interchange as Amazon's translator reads it: sender, groups, and what is wrong."""

    sender_qualifier: str = ""
    sender_id: str = ""
    receiver_id: str = ""
    control_number: str = ""
    groups: list[GroupCheck] = field(default_factory=list)
    interchange_errors: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # every problem, in words

    @property
    def kinds(self) -> list[str]:
        return [t.kind for group in self.groups for t in group.transaction_sets]

    @property
    def valid(self) -> bool:
        return not self.errors


def check_interchange(text: str, kinds: Iterable[str] = RECEIVED_KINDS) -> InterchangeCheck:
    """The envelope of an X12 interchange checked: the ISA's fixed length (106 characters,
    which also gives the separators), the trailers and their counts and control numbers, and
    that its transaction sets are of `kinds` (by default what Amazon takes from vendors)."""
    checked = InterchangeCheck()
    segments = _split_segments(text.lstrip(), checked)
    if not segments:
        return checked
    isa = segments[0]
    checked.sender_qualifier, checked.sender_id = _element(isa, 5), _element(isa, 6)
    checked.receiver_id, checked.control_number = _element(isa, 8), _element(isa, 13)
    reader = _EnvelopeReader(checked, tuple(kinds))
    for segment in segments[1:]:
        reader.read(segment)
    reader.finish()
    return checked


def _split_segments(text: str, checked: InterchangeCheck) -> list[list[str]]:
    if not text.startswith("ISA") or len(text) < 4:
        checked.errors.append("not an X12 interchange: it does not start with ISA")
        checked.interchange_errors.append("no ISA")
        return []
    element = text[3]
    separators = [index for index, char in enumerate(text[:300]) if char == element][:16]
    if len(separators) < 16 or len(text) < separators[-1] + 3:
        checked.errors.append("the ISA segment has fewer than 16 elements")
        checked.interchange_errors.append("short ISA")
        return []
    # ISA16 (the component separator) is one character; the segment terminator follows it.
    terminator = text[separators[-1] + 2]
    isa_length = separators[-1] + 3
    if isa_length != ISA_LENGTH:
        checked.errors.append(f"the ISA segment is {isa_length} characters, not {ISA_LENGTH}")
        checked.interchange_errors.append("ISA length")
    return [
        segment.strip("\r\n").split(element)
        for segment in text.split(terminator)
        if segment.strip("\r\n ")
    ]


class _EnvelopeReader:
    """Walks the segments after the ISA, opening and closing groups and transaction sets."""

    def __init__(self, checked: InterchangeCheck, kinds: tuple[str, ...]):
        self.checked = checked
        self.kinds = kinds
        self.group: GroupCheck | None = None
        self.transaction: TransactionSetCheck | None = None
        self.segment_count = 0
        self.closed = False

    def read(self, segment: list[str]) -> None:
        tag = segment[0].strip()
        if self.transaction is not None:
            self.segment_count += 1
        if tag == "GS":
            self.group = GroupCheck(_element(segment, 1), _element(segment, 6))
            self.checked.groups.append(self.group)
        elif tag == "ST":
            self._start_transaction(segment)
        elif tag == "SE" and self.transaction is not None:
            _check_transaction_trailer(self.checked, self.transaction, segment, self.segment_count)
            self._check_kind()
            self.transaction = None
        elif tag == "GE" and self.group is not None:
            self._close_transaction()
            _check_group_trailer(self.checked, self.group, segment)
            self.group = None
        elif tag == "IEA":
            self._close_group()
            _check_interchange_trailer(self.checked, segment)
            self.closed = True

    def finish(self) -> None:
        self._close_transaction()
        self._close_group()
        if not self.closed:
            self.checked.errors.append("the interchange has no IEA")
            self.checked.interchange_errors.append("no IEA")

    def _check_kind(self) -> None:
        kind = self.transaction.kind
        if kind not in self.kinds:
            self.transaction.error_codes.append(TRANSACTION_SET_NOT_SUPPORTED)
            self.checked.errors.append(f"Amazon does not take transaction set {kind!r}")
        elif GROUP_OF_KIND.get(kind, self.group.functional_id) != self.group.functional_id:
            self.transaction.error_codes.append(INVALID_TRANSACTION_SET_ID)
            self.checked.errors.append(
                f"transaction set {kind} in a group of {self.group.functional_id!r}, "
                f"not {GROUP_OF_KIND[kind]!r}"
            )

    def _start_transaction(self, segment: list[str]) -> None:
        if self.group is None:
            self.checked.errors.append("an ST segment outside a functional group")
            return
        self._close_transaction()
        self.transaction = TransactionSetCheck(_element(segment, 1), _element(segment, 2))
        self.group.transaction_sets.append(self.transaction)
        self.segment_count = 1

    def _close_transaction(self) -> None:
        """A transaction set still open has no SE."""
        if self.transaction is not None:
            self.transaction.error_codes.append(TRANSACTION_SET_TRAILER_MISSING)
            self.checked.errors.append(
                f"transaction set {self.transaction.control_number} has no SE"
            )
            self.transaction = None

    def _close_group(self) -> None:
        """A group still open has no GE."""
        self._close_transaction()
        if self.group is not None:
            self.group.error_codes.append(GROUP_TRAILER_MISSING)
            self.checked.errors.append(f"functional group {self.group.control_number} has no GE")
            self.group = None


def _check_transaction_trailer(checked, transaction, segment, segment_count) -> None:
    if _element(segment, 2) != transaction.control_number:
        transaction.error_codes.append(CONTROL_NUMBERS_DIFFER)
        checked.errors.append(
            f"SE02 {_element(segment, 2)!r} is not ST02 {transaction.control_number!r}"
        )
    if _element(segment, 1) != str(segment_count):
        transaction.error_codes.append(SEGMENT_COUNT_WRONG)
        checked.errors.append(
            f"SE01 {_element(segment, 1)!r} of transaction set {transaction.control_number} "
            f"is not its {segment_count} segments"
        )


def _check_group_trailer(checked, group, segment) -> None:
    declared = _element(segment, 1)
    group.declared_count = int(declared) if declared.isdigit() else None
    if declared != str(len(group.transaction_sets)):
        group.error_codes.append(GROUP_SET_COUNT_WRONG)
        checked.errors.append(
            f"GE01 {declared!r} of group {group.control_number} is not its "
            f"{len(group.transaction_sets)} transaction sets"
        )
    if _element(segment, 2) != group.control_number:
        group.error_codes.append(GROUP_CONTROL_NUMBERS_DIFFER)
        checked.errors.append(f"GE02 {_element(segment, 2)!r} is not GS06 {group.control_number!r}")


def _check_interchange_trailer(checked, segment) -> None:
    if _element(segment, 1) != str(len(checked.groups)):
        checked.errors.append(
            f"IEA01 {_element(segment, 1)!r} is not the {len(checked.groups)} functional groups"
        )
        checked.interchange_errors.append("IEA01")
    if _element(segment, 2) != checked.control_number:
        checked.errors.append(
            f"IEA02 {_element(segment, 2)!r} is not ISA13 {checked.control_number!r}"
        )
        checked.interchange_errors.append("IEA02")


def _element(segment: list[str], index: int) -> str:
    return segment[index].strip() if index < len(segment) else ""


# The AS2 partner


@dataclass(frozen=True)
class VendorPartner:
    """The vendor as Amazon's AS2 server knows it."""

    as2_id: str
    certificate_pem: bytes = field(repr=False)
    url: str | None = None
    interchange_id: str = ""
    encryption: str = "aes_256_cbc"
    signature: str = "sha256"


@dataclass
class ReceivedFile:
    """A file Amazon took over AS2 (its MDN was positive)."""

    message_id: str
    as2_from: str
    filename: str | None
    payload: bytes = field(repr=False)
    kind: str | None  # the ST01 of its first transaction set: 855, 856, 810, 997...
    kinds: list[str]
    envelope_errors: list[str]
    acknowledgement: str | None  # the 997 Amazon made for it (None for a 997)
    received: dt.datetime


@dataclass
class RefusedMessage:
    """A message Amazon answered with a negative MDN."""

    message_id: str | None
    as2_from: str | None
    disposition: str  # processed/Error: authentication-failed...
    received: dt.datetime


@dataclass
class SentMessage:
    """A message Amazon posted to the vendor, and the vendor's answer."""

    message_id: str
    payload: bytes = field(repr=False)
    http_status: int | None
    mdn_status: str | None  # processed, processed/Error, failed/Failure...
    mdn_detail: str | None
    sent: dt.datetime

    @property
    def accepted(self) -> bool:
        return self.http_status == 200 and self.mdn_status == "processed"


class AmazonAs2Partner:
    """Amazon's AS2 server and client for one vendor partner (see the module's notes)."""

    def __init__(
        self,
        clock: Callable[[], dt.datetime],
        base_url: Callable[[], str],
        *,
        as2_id: str = AMAZON_AS2_ID,
        interchange_id: str = AMAZON_INTERCHANGE_ID,
        first_control_number: int = 1,
    ):
        self.as2_id = as2_id
        self.interchange_id = interchange_id
        self._now = clock
        self._base_url = base_url
        self._lock = threading.Lock()
        self._keys: KeyPair | None = None
        self._impostor_keys: KeyPair | None = None
        self._control_number = first_control_number - 1
        self._partner: VendorPartner | None = None
        self._received: list[ReceivedFile] = []
        self._refused: list[RefusedMessage] = []
        self._sent: list[SentMessage] = []
        self._pending_acknowledgements: list[str] = []
        self._seen_message_ids: set[str] = set()

    # Setup

    @property
    def url(self) -> str:
        """Where vendors POST their AS2 messages."""
        return self._base_url() + AS2_PATH

    @property
    def certificate_pem(self) -> bytes:
        """Amazon's AS2 certificate: encrypts for Amazon, verifies Amazon's signatures."""
        return self._key_pair().certificate_pem

    def configure_partner(
        self,
        as2_id: str,
        certificate_pem: bytes | str,
        url: str | None = None,
        *,
        interchange_id: str | None = None,
        encryption: str = "aes_256_cbc",
        signature: str = "sha256",
    ) -> VendorPartner:
        """The vendor: its AS2 id, certificate (PEM), AS2 URL (where Amazon posts) and
        interchange id (ISA06 of its files, ISA08 of Amazon's; default its AS2 id)."""
        if url:
            _require_loopback(url)
        if isinstance(certificate_pem, str):
            certificate_pem = certificate_pem.encode()
        partner = VendorPartner(
            as2_id=as2_id,
            certificate_pem=certificate_pem,
            url=url,
            interchange_id=interchange_id or as2_id,
            encryption=encryption,
            signature=signature,
        )
        with self._lock:
            self._partner = partner
        return partner

    @property
    def partner(self) -> VendorPartner | None:
        return self._partner

    def next_control_number(self) -> int:
        """Amazon's next interchange (and group) control number: each one more."""
        with self._lock:
            self._control_number += 1
            return self._control_number

    def reset(self) -> None:
        """Forget the partner and every message; Amazon's keys and control numbers stay."""
        with self._lock:
            self._partner = None
            self._received.clear()
            self._refused.clear()
            self._sent.clear()
            self._pending_acknowledgements.clear()
            self._seen_message_ids.clear()

    # What happened

    @property
    def received(self) -> list[ReceivedFile]:
        with self._lock:
            return list(self._received)

    @property
    def refused(self) -> list[RefusedMessage]:
        with self._lock:
            return list(self._refused)

    @property
    def sent(self) -> list[SentMessage]:
        with self._lock:
            return list(self._sent)

    @property
    def pending_acknowledgements(self) -> list[str]:
        """The 997s Amazon made and has not sent yet, oldest first."""
        with self._lock:
            return list(self._pending_acknowledgements)

    # Inbound (POST /as2)

    def serve(self, request: Request) -> Reply:
        if request.method.upper() != "POST":
            return _text_reply(405, "AS2 messages are POSTed")
        try:
            lib = load_pyas2lib()
        except As2Unavailable as error:
            return _text_reply(503, str(error))
        raw = _raw_mime(request.headers, request.body)
        partner = self._partner
        organization = self._organization(lib)
        message = lib.Message()
        status, (error, _trace), mdn = message.parse(
            raw,
            find_org_cb=lambda as2_id: organization if as2_id == self.as2_id else None,
            find_partner_cb=lambda as2_id: (
                self._lib_partner(lib, partner) if partner and as2_id == partner.as2_id else None
            ),
            find_message_cb=lambda message_id, _partner_id: message_id in self._seen_message_ids,
        )
        now = self._now()
        as2_from = _unquote(message_from_bytes(raw).get("AS2-From"))
        if error is not None or status != "processed":
            disposition = f"{status}: {getattr(error, 'disposition_modifier', '') or 'error'}"
            _log.info("amazon_emulator: AS2 message refused (%s)", disposition)
            with self._lock:
                self._refused.append(RefusedMessage(message.message_id, as2_from, disposition, now))
        else:
            self._take(message, as2_from, now)
        if mdn is None:
            return _text_reply(200, "")
        headers = _http_headers(mdn.headers)
        headers.pop("Date", None)  # the HTTP server dates its answers itself
        content_type = headers.pop("Content-Type", "multipart/report")
        return Reply(200, mdn.content, content_type=content_type, headers=headers)

    def _take(self, message, as2_from: str, now: dt.datetime) -> None:
        payload = message.payload.get_payload(decode=True) or b""
        checked = check_interchange(payload.decode("latin-1"))
        acknowledgement = None
        if checked.groups:
            acknowledgement = make_997(
                checked, control_number=self.next_control_number(), moment=now
            )
        received = ReceivedFile(
            message_id=message.message_id,
            as2_from=as2_from,
            filename=message.payload.get_filename(),
            payload=payload,
            kind=checked.kinds[0] if checked.kinds else None,
            kinds=checked.kinds,
            envelope_errors=list(checked.errors),
            acknowledgement=acknowledgement,
            received=now,
        )
        with self._lock:
            self._seen_message_ids.add(message.message_id)
            self._received.append(received)
            if acknowledgement:
                self._pending_acknowledgements.append(acknowledgement)
        _log.info(
            "amazon_emulator: AS2 file %s taken (%s, %d envelope error(s))",
            message.message_id,
            received.kind,
            len(checked.errors),
        )

    # Outbound

    def make_850(self, purchase_order_number: str, items: Iterable[Mapping], **options) -> str:
        """`make_850` for the configured vendor, with Amazon's next control number; `options`
        go to `make_850` (vendor_code defaults to the vendor's interchange id)."""
        partner = self._require_partner()
        options.setdefault("vendor_code", partner.interchange_id)
        options.setdefault("ordered", self._now())
        return make_850(
            purchase_order_number,
            items,
            control_number=self.next_control_number(),
            receiver_id=partner.interchange_id,
            sender_id=self.interchange_id,
            **options,
        )

    def send_purchase_order(
        self, purchase_order_number: str, items: Iterable[Mapping], **options
    ) -> SentMessage:
        """Send `make_850(...)` to the vendor."""
        text = self.make_850(purchase_order_number, items, **options)
        return self.send_to_partner(text.encode(), filename=f"{purchase_order_number}.850")

    def send_routing_instructions(
        self, *, arn: str, carrier_scac: str, pickup: dt.datetime, **options
    ) -> SentMessage:
        """Send the 754 (`make_754`) answering the last 753 Amazon took without envelope
        errors; `options` go to `make_754`. ValueError without such a 753."""
        partner = self._require_partner()
        with self._lock:
            received = [
                file for file in self._received if "753" in file.kinds and not file.envelope_errors
            ]
        request = read_routing_request(received[-1].payload.decode("latin-1")) if received else None
        if request is None:
            raise ValueError("no 753 (request for routing instructions) was received")
        text = make_754(
            request,
            arn=arn,
            carrier_scac=carrier_scac,
            pickup=pickup,
            control_number=self.next_control_number(),
            receiver_id=partner.interchange_id,
            issued=_utc(self._now()),
            sender_id=self.interchange_id,
            **options,
        )
        return self.send_to_partner(text.encode(), filename=f"{arn}.754")

    def send_acknowledgements(self) -> list[SentMessage]:
        """Send the pending 997s, oldest first."""
        with self._lock:
            pending, self._pending_acknowledgements = self._pending_acknowledgements, []
        return [self.send_to_partner(text.encode(), filename="997.edi") for text in pending]

    def send_to_partner(
        self,
        payload: bytes,
        *,
        filename: str | None = None,
        content_type: str = X12_CONTENT_TYPE,
        bad_signature: bool = False,
        repeat_message_id: bool = False,
        as2_to: str | None = None,
        timeout: float = 10.0,
    ) -> SentMessage:
        """POST `payload` signed and encrypted to the vendor's URL, and read the MDN.
        `bad_signature`: signed with a key that is not Amazon's; `repeat_message_id`: the
        message id of the last message sent; `as2_to`: another AS2-To than the vendor's."""
        lib = load_pyas2lib()
        partner = self._require_partner()
        if not partner.url:
            raise ValueError("the AS2 partner has no URL to send to")
        keys = self._impostor_key_pair() if bad_signature else None
        receiver = self._lib_partner(lib, partner, as2_id=as2_to)
        message = lib.Message(sender=self._organization(lib, keys), receiver=receiver)
        message.build(
            payload,
            filename=filename,
            subject="EDI",
            content_type=content_type,
            disposition_notification_to="edi@amazon.as2",
        )
        if repeat_message_id:
            with self._lock:
                previous = self._sent[-1].message_id if self._sent else None
            if previous is None:
                raise ValueError("no message was sent yet: there is no message id to repeat")
            message.message_id = previous
            message.payload.replace_header("Message-ID", f"<{previous}>")
        status, body, headers = _post(
            partner.url, _http_headers(message.headers), message.content, timeout
        )
        mdn_status = mdn_detail = None
        if status == 200 and body:
            mdn = lib.Mdn()
            mdn_status, mdn_detail = mdn.parse(
                _raw_mime(headers, body), find_message_cb=lambda _id, _recipient: message
            )
        sent = SentMessage(message.message_id, payload, status, mdn_status, mdn_detail, self._now())
        with self._lock:
            self._sent.append(sent)
        _log.info(
            "amazon_emulator: AS2 message %s sent to %s: HTTP %s, MDN %s",
            message.message_id,
            partner.as2_id,
            status,
            mdn_status,
        )
        return sent

    # pyas2lib objects

    def _organization(self, lib, keys: KeyPair | None = None):
        keys = keys or self._key_pair()
        return lib.Organization(
            as2_name=self.as2_id,
            sign_key=keys.pem,
            decrypt_key=keys.pem,
            domain="amazon.as2",
            mdn_confirm_text="The AS2 message was received by Amazon.",
        )

    @staticmethod
    def _lib_partner(lib, partner: VendorPartner, *, as2_id: str | None = None):
        return lib.Partner(
            as2_name=as2_id or partner.as2_id,
            verify_cert=partner.certificate_pem,
            encrypt_cert=partner.certificate_pem,
            encrypt=True,
            enc_alg=partner.encryption,
            sign=True,
            digest_alg=partner.signature,
            mdn_mode="SYNC",
            mdn_digest_alg=partner.signature,
            mdn_confirm_text="The AS2 message was received by Amazon.",
        )

    def _key_pair(self) -> KeyPair:
        with self._lock:
            if self._keys is None:
                self._keys = make_key_pair(self.as2_id)
            return self._keys

    def _impostor_key_pair(self) -> KeyPair:
        with self._lock:
            if self._impostor_keys is None:
                self._impostor_keys = make_key_pair(self.as2_id)
            return self._impostor_keys

    def _require_partner(self) -> VendorPartner:
        partner = self._partner
        if partner is None:
            raise ValueError("no AS2 partner configured: call configure_partner() first")
        return partner


# HTTP


def _require_loopback(url: str) -> None:
    host = (urlsplit(url).hostname or "").lower()
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError("the emulator's AS2 partner must be on loopback (127.0.0.1, localhost)")


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _post(
    url: str, headers: dict[str, str], body: bytes, timeout: float
) -> tuple[int | None, bytes, dict[str, str]]:
    _require_loopback(url)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers.items())
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers.items())
    except (urllib.error.URLError, OSError) as error:
        _log.info("amazon_emulator: AS2 partner unreachable (%s)", type(error).__name__)
        return None, b"", {}


def _raw_mime(headers: Mapping[str, str], body: bytes) -> bytes:
    lines = [f"{name}: {' '.join(str(value).split())}" for name, value in headers.items()]
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + body


def _http_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name: " ".join(str(value).split())
        for name, value in headers.items()
        if name.lower() != "mime-version"
    }


def _unquote(value: str | None) -> str:
    value = (value or "").strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _text_reply(status: int, text: str) -> Reply:
    return Reply(status, text.encode(), content_type="text/plain", check_contract=False)
