"""Vendor Direct Fulfillment orders as Amazon serves them: `make_df_order`, the stored order,
the documents made of it (label contents, packing slips, customer invoices) and the listings'
pages (see `direct_fulfillment` for the operations).

Listings (getOrders, getShippingLabels, getPackingSlips, getCustomerInvoices): createdAfter and
createdBefore are required, after inclusive, before exclusive, at most 7 days apart ("The date
range to search must not be more than seven days"); `limit` 1-100 (default 100); `sortOrder`
by creation (ASC unless DESC); `shipFromPartyId` filters on the order's ship-from party;
getOrders also filters on `status` and, with `includeDetails=false`, gives purchase order
numbers only. Orders are created at their `orderDate`, labels when Amazon made them, packing
slips with their order (only for orders with `isPslipRequired`), customer invoices list by
their order's creation once the owner set one (`set_df_customer_invoice`). A `nextToken`
carries the filters; it must come with the same filters (the limit may change), else 400.
"""

from __future__ import annotations

import base64
import copy
import re
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from .clock import as_utc, format_timestamp
from .paging import (
    UNREADABLE_STATE,
    VENDOR_NEXT_TOKEN_UNREADABLE,
    decode_token,
    encode_token,
    page_size_parameter,
    query_time,
)
from .store import SellerAccount
from .wire import InputError, first_value

ORDER_STATUSES = ("NEW", "SHIPPED", "ACCEPTED", "CANCELLED")
SORT_ORDERS = ("ASC", "DESC")
LABEL_FORMATS = ("PNG", "ZPL")
DF_NUMBER = re.compile(r"^[A-Za-z0-9]+$")
MAX_RANGE = timedelta(days=7)
MAX_LIMIT = 100
LISTING_PARAMETERS = (
    "shipFromPartyId",
    "limit",
    "createdAfter",
    "createdBefore",
    "sortOrder",
    "nextToken",
)
ORDERS_PARAMETERS = (*LISTING_PARAMETERS, "status", "includeDetails")
SHIP_METHOD_NAMES = {
    "UPS_GR_RES": "UPS Ground Residential",
    "UPS_2ND_DAY": "UPS 2nd Day Air",
    "UPS_NEXT_DAY": "UPS Next Day Air",
    "FEDEX_GROUND": "FedEx Ground",
    "USPS_PRIORITY": "USPS Priority Mail",
}
DEFAULT_SHIP_TO = {
    "name": "Jane Doe",
    "addressLine1": "100 Pine Street",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98101",
    "countryCode": "US",
    "phone": "+1 206 555 0100",
}
AMAZON_BILL_TO = {
    "partyId": "AMZN_US",
    "address": {
        "name": "Amazon.com Services LLC",
        "addressLine1": "410 Terry Avenue North",
        "city": "Seattle",
        "stateOrRegion": "WA",
        "postalCode": "98109",
        "countryCode": "US",
    },
}


class DfInputError(InputError):
    """A DF request Amazon answers with 400 InvalidInput at once."""


class DfNotFound(Exception):
    """What a DF read asks for does not exist (yet): 404 NotFound."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Building orders


def make_df_order(
    number: str,
    *,
    created: datetime,
    items: Iterable[tuple],
    selling_party: str = "DFVENDOR",
    ship_from: str = "DFWH1",
    ship_to: Mapping | None = None,
    currency: str = "USD",
    ship_method: str = "UPS_GR_RES",
    required_ship_date: datetime | None = None,
    status: str = "NEW",
    is_gift: bool = False,
    gift_message: str | None = None,
    pslip_required: bool = False,
    customer_order_number: str | None = None,
) -> dict:
    """A DF Orders 2021-12-28 `Order` placed (and made available) at `created`.

    `items`: (vendor_product_id, quantity, net_price) tuples, with the ASIN as an optional
    4th value (else one derived from the product id); sequence numbers "1", "2"... `ship_to`:
    the customer's `Address` (default a US buyer). `required_ship_date` defaults to 2 days
    after `created`, the promised delivery to 3 days after that. A gift message goes on every
    item's giftDetails. Raises ValueError for what Amazon's model does not allow."""
    if not isinstance(number, str) or not DF_NUMBER.match(number):
        raise ValueError(f"a DF purchase order number is letters and digits, not {number!r}")
    if status not in ORDER_STATUSES:
        raise ValueError(f"status is one of {', '.join(ORDER_STATUSES)}, not {status!r}")
    if not re.fullmatch(r"[A-Z]{3}", currency or ""):
        raise ValueError(f"a currency is 3 capital letters, not {currency!r}")
    placed = as_utc(created)
    ship_by = as_utc(required_ship_date) if required_ship_date else placed + timedelta(days=2)
    order_items = [
        _order_item(position, spec, currency, gift_message if is_gift else None)
        for position, spec in enumerate(items, start=1)
    ]
    if not order_items:
        raise ValueError("a DF order has at least one item")
    digits = f"{zlib.crc32(number.encode()):010d}"
    details = {
        "customerOrderNumber": customer_order_number or f"114-{digits[:7]}-{digits[3:]}",
        "orderDate": format_timestamp(placed),
        "orderStatus": status,
        "shipmentDetails": {
            "isPriorityShipment": False,
            "isScheduledDeliveryShipment": False,
            "isPslipRequired": bool(pslip_required),
            "isGift": bool(is_gift),
            "shipMethod": ship_method,
            "shipmentDates": {
                "requiredShipDate": format_timestamp(ship_by),
                "promisedDeliveryDate": format_timestamp(ship_by + timedelta(days=3)),
            },
            "messageToCustomer": "Thank you for your order.",
        },
        "sellingParty": {"partyId": selling_party},
        "shipFromParty": {"partyId": ship_from},
        "shipToParty": copy.deepcopy(dict(ship_to if ship_to is not None else DEFAULT_SHIP_TO)),
        "billToParty": copy.deepcopy(AMAZON_BILL_TO),
        "hasCustomizableItems": False,
        "items": order_items,
    }
    return {"purchaseOrderNumber": number, "orderDetails": details}


def _order_item(sequence: int, spec: tuple, currency: str, gift_message: str | None) -> dict:
    if not isinstance(spec, tuple | list) or len(spec) not in (3, 4):
        raise ValueError(f"a DF item is (vendor_product_id, quantity, net_price[, asin]): {spec!r}")
    vendor_id, quantity, price = spec[:3]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"an ordered quantity is a whole number above 0: {quantity!r}")
    try:
        amount = Decimal(str(price))
    except InvalidOperation:
        raise ValueError(f"a net price is a decimal number, not {price!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"a net price is 0 or more: {price!r}")
    asin = spec[3] if len(spec) == 4 else f"B0{zlib.crc32(str(vendor_id).encode()):08X}"
    item = {
        "itemSequenceNumber": str(sequence),
        "buyerProductIdentifier": asin,
        "vendorProductIdentifier": vendor_id,
        "title": f"Product {vendor_id}",
        "orderedQuantity": {"amount": quantity, "unitOfMeasure": "Each"},
    }
    if gift_message:
        item["giftDetails"] = {"giftMessage": gift_message}
    item["netPrice"] = {"currencyCode": currency, "amount": format(amount, "f")}
    return item


# Documents Amazon serves: labels, packing slips


def small_png(comment: str = "") -> bytes:
    """A valid 4x6-pixel white PNG, `comment` in a tEXt chunk."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    width, height = 4, 6
    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    text = chunk(b"tEXt", b"Comment\x00" + comment.encode("latin-1", "replace"))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + (text if comment else b"")
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def small_pdf(lines: Iterable[str]) -> bytes:
    """A valid one-page PDF showing `lines` (Helvetica, Latin-1)."""
    text = "".join(f"({_pdf_text(line)}) Tj 0 -16 Td " for line in lines).encode(
        "latin-1", "replace"
    )
    stream = b"BT /F1 11 Tf 24 400 Td " + text + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_text(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def label_content(label_format: str, number: str, tracking: str, ship_method: str) -> str:
    if label_format == "ZPL":
        zpl = (
            f"^XA^CF0,40^FO40,40^FD{ship_method}^FS^FO40,100^BCN,100,Y,N,N^FD{tracking}^FS"
            f"^FO40,260^FDPO {number}^FS^XZ"
        )
        return base64_text(zpl.encode())
    return base64_text(small_png(f"{number} {tracking}"))


def base64_text(content: bytes) -> str:
    return base64.b64encode(content).decode()


@dataclass
class StoredDfOrder:
    order: dict
    sequence: int
    created: datetime
    shipped: dict[str, int] = field(default_factory=dict)  # item sequence -> units
    label: dict | None = None
    label_created: datetime | None = None
    customer_invoice: str | None = None

    @property
    def number(self) -> str:
        return self.order["purchaseOrderNumber"]

    @property
    def details(self) -> dict:
        return self.order.setdefault("orderDetails", {})

    @property
    def status(self) -> str | None:
        return self.details.get("orderStatus")

    @property
    def items(self) -> list[dict]:
        return self.details.get("items") or []

    @property
    def ship_from(self) -> str | None:
        return (self.details.get("shipFromParty") or {}).get("partyId")

    @property
    def selling_party(self) -> str | None:
        return (self.details.get("sellingParty") or {}).get("partyId")

    @property
    def fully_shipped(self) -> bool:
        return all(
            self.shipped.get(item["itemSequenceNumber"], 0) >= ordered_units(item)
            for item in self.items
        )

    @property
    def pslip_required(self) -> bool:
        return bool((self.details.get("shipmentDetails") or {}).get("isPslipRequired"))


def ordered_units(item: Mapping) -> int:
    amount = (item.get("orderedQuantity") or {}).get("amount")
    return amount if isinstance(amount, int) else 0


# Served documents


def served_order(order: Mapping, include_details: bool) -> dict:
    if include_details:
        return copy.deepcopy(dict(order))
    return {"purchaseOrderNumber": order["purchaseOrderNumber"]}


def packing_slip(stored: StoredDfOrder) -> dict:
    ship_to = stored.details.get("shipToParty") or {}
    lines = [
        "Packing slip",
        f"Purchase order {stored.number}",
        f"Order {stored.details.get('customerOrderNumber', '')}",
        f"Ship to {ship_to.get('name', '')}",
        *(
            f"{item.get('vendorProductIdentifier', '')} x {ordered_units(item)}"
            f"  {item.get('title', '')}"
            for item in stored.items
        ),
    ]
    return {
        "purchaseOrderNumber": stored.number,
        "content": base64_text(small_pdf(lines)),
        "contentType": "application/pdf",
    }


def customer_invoice(stored: StoredDfOrder) -> dict:
    return {
        "purchaseOrderNumber": stored.number,
        "content": base64_text(stored.customer_invoice.encode()),
    }


# Listings


@dataclass(frozen=True)
class Listing:
    """One page of a DF listing: its filters (as the next token keeps them) and where it is."""

    name: str  # the list's field in the answer: orders, shippingLabels...
    filters: dict
    limit: int
    include_details: bool = True
    last_key: tuple[float, int] | None = None

    @classmethod
    def parse(cls, query, seller: SellerAccount, name: str, parameters: tuple[str, ...]):
        """The listing's query as Amazon reads it; raises DfInputError."""
        undefined = [parameter for parameter in query if parameter not in parameters]
        if undefined:
            raise DfInputError(f"Unknown parameters: {', '.join(undefined)}.")
        limit = page_size_parameter(query, "limit", MAX_LIMIT, MAX_LIMIT, DfInputError)
        include_details = _boolean(query, "includeDetails")
        after = query_time(query, "createdAfter", DfInputError)
        before = query_time(query, "createdBefore", DfInputError)
        for parameter, moment in (("createdAfter", after), ("createdBefore", before)):
            if moment is None:
                raise DfInputError(f"{parameter} is required.")
        if after > before:
            raise DfInputError(
                f"createdAfter ({format_timestamp(after)}) must be before createdBefore "
                f"({format_timestamp(before)})."
            )
        if before - after > MAX_RANGE:
            raise DfInputError(
                "The date range from createdAfter to createdBefore must not be more than "
                f"7 days ({format_timestamp(after)} to {format_timestamp(before)})."
            )
        filters = {
            "created": [after.timestamp(), before.timestamp()],
            "shipFromPartyId": first_value(query, "shipFromPartyId"),
            "sortOrder": _one_of(query, "sortOrder", SORT_ORDERS) or "ASC",
            "status": _one_of(query, "status", ORDER_STATUSES),
        }
        listing = cls(name, filters, limit, True if include_details is None else include_details)
        token = first_value(query, "nextToken")
        if token is None:
            return listing
        last_key = _read_token(token, seller, name, filters)
        return cls(name, filters, limit, listing.include_details, last_key)

    def page(
        self,
        seller: SellerAccount,
        entries: list[tuple[datetime, StoredDfOrder, Callable[[], dict]]],
    ) -> dict:
        """The page of `entries` (when created, the order, what serves it) the listing asks
        for."""
        after, before = self.filters["created"]
        descending = self.filters["sortOrder"] == "DESC"
        ship_from = self.filters["shipFromPartyId"]
        keyed = sorted(
            (
                ((created.timestamp(), stored.sequence), served)
                for created, stored, served in entries
                if after <= created.timestamp() < before and ship_from in (None, stored.ship_from)
            ),
            key=lambda pair: pair[0],
            reverse=descending,
        )
        if self.last_key is not None:
            keyed = [
                pair
                for pair in keyed
                if (pair[0] < self.last_key if descending else pair[0] > self.last_key)
            ]
        page = keyed[: self.limit]
        answer: dict = {}
        if len(keyed) > len(page):
            state = {"seller": seller.seller_id, "listing": self.name, "filters": self.filters}
            answer["pagination"] = {"nextToken": encode_token({**state, "last": list(page[-1][0])})}
        answer[self.name] = [serve() for _, serve in page]
        return answer


def _read_token(token: str, seller: SellerAccount, name: str, filters: dict) -> tuple[float, int]:
    try:
        state = decode_token(token)
        last_moment, last_sequence = state["last"]
        last = (float(last_moment), int(last_sequence))
        same_listing = state["seller"] == seller.seller_id and state["listing"] == name
        given = dict(state["filters"])
    except UNREADABLE_STATE:
        raise DfInputError(VENDOR_NEXT_TOKEN_UNREADABLE) from None
    if not same_listing:
        raise DfInputError(VENDOR_NEXT_TOKEN_UNREADABLE)
    differing = [key for key in filters if given.get(key) != filters[key]]
    if differing:
        parameters = {"created": "createdAfter/createdBefore"}
        raise DfInputError(
            "Include the same arguments as the call that produced the nextToken "
            f"({', '.join(parameters.get(key, key) for key in differing)} differ)."
        )
    return last


def _boolean(query: Mapping[str, list[str]], name: str) -> bool | None:
    raw = first_value(query, name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise DfInputError(f"{name} must be true or false, not {raw!r}.")
    return raw == "true"


def _one_of(query: Mapping[str, list[str]], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = first_value(query, name)
    if raw is not None and raw not in allowed:
        raise DfInputError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}.")
    return raw
