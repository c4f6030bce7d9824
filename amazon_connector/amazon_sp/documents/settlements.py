"""Settlement report `GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`: one payout period of a
seller, as a tab-separated flat file, turned into a `Settlement` and its `SettlementLine`s.

The first data row is the summary (settlement id, period, deposit date, total, currency); each
other row is one amount: a transaction type (Order, Refund, ServiceFee, Transfer...), an amount
type (ItemPrice, ItemFees, ItemWithheldTax...), a description (Principal, Commission...) and
the amount. Amazon writes numbers and dates in the marketplace's local format (`95,00`,
`16.06.2026`), and real files add columns or reorder them, so cells are read by header name.

Each line gets a `kind` (see `SettlementLine.kind`) that says what the money is: what a buyer
paid (SALE), what was given back (REFUND), tax Amazon collected and remits itself
(WITHHELD_TAX), Amazon's fees and other charges (FEE), or movements between the seller's
balance, reserve and bank (TRANSFER).

The V1 flat file (`GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE`, with price-type and
item-related-fee-type columns) is no longer produced since 2026-03-25 and is refused clearly.
Decompressing a gzipped report document is the client's job, not this module's.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .common import AmazonDocumentError, decode_text, naive_utc
from .flat_files import at_cell, check_required_columns, header_columns, row_record, tab_rows

DOCUMENT = "settlement report"
SETTLEMENT_REPORT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
V1_REMOVAL_DATE = "2026-03-25"
ZERO = Decimal("0")

# Columns, as Amazon names them in the header.
SETTLEMENT_ID = "settlement-id"
SETTLEMENT_START_DATE = "settlement-start-date"
SETTLEMENT_END_DATE = "settlement-end-date"
DEPOSIT_DATE = "deposit-date"
TOTAL_AMOUNT = "total-amount"
CURRENCY = "currency"
TRANSACTION_TYPE = "transaction-type"
ORDER_ID = "order-id"
MERCHANT_ORDER_ID = "merchant-order-id"
ADJUSTMENT_ID = "adjustment-id"
SHIPMENT_ID = "shipment-id"
MARKETPLACE_NAME = "marketplace-name"
AMOUNT_TYPE = "amount-type"
AMOUNT_DESCRIPTION = "amount-description"
AMOUNT = "amount"
FULFILLMENT_ID = "fulfillment-id"
POSTED_DATE = "posted-date"
POSTED_DATE_TIME = "posted-date-time"
ORDER_ITEM_CODE = "order-item-code"
MERCHANT_ORDER_ITEM_ID = "merchant-order-item-id"
MERCHANT_ADJUSTMENT_ITEM_ID = "merchant-adjustment-item-id"
SKU = "sku"
QUANTITY_PURCHASED = "quantity-purchased"
PROMOTION_ID = "promotion-id"

REQUIRED_COLUMNS = (
    SETTLEMENT_ID,
    TOTAL_AMOUNT,
    CURRENCY,
    TRANSACTION_TYPE,
    AMOUNT_TYPE,
    AMOUNT_DESCRIPTION,
    AMOUNT,
)
# Columns only the V1 layout has: it spreads amounts over several type/amount column pairs.
V1_COLUMNS = frozenset({"price-type", "item-related-fee-type", "shipment-fee-type"})
# SettlementLine text fields and the column each comes from.
LINE_TEXT_COLUMNS = {
    "transaction_type": TRANSACTION_TYPE,
    "order_id": ORDER_ID,
    "merchant_order_id": MERCHANT_ORDER_ID,
    "adjustment_id": ADJUSTMENT_ID,
    "shipment_id": SHIPMENT_ID,
    "marketplace_name": MARKETPLACE_NAME,
    "amount_type": AMOUNT_TYPE,
    "amount_description": AMOUNT_DESCRIPTION,
    "fulfillment_id": FULFILLMENT_ID,
    "order_item_code": ORDER_ITEM_CODE,
    "merchant_order_item_id": MERCHANT_ORDER_ITEM_ID,
    "merchant_adjustment_item_id": MERCHANT_ADJUSTMENT_ITEM_ID,
    "sku": SKU,
    "promotion_id": PROMOTION_ID,
}
SUMMARY_DATE_COLUMNS = (SETTLEMENT_START_DATE, SETTLEMENT_END_DATE, DEPOSIT_DATE)
DATE_COLUMNS = (*SUMMARY_DATE_COLUMNS, POSTED_DATE_TIME, POSTED_DATE)

# Line kinds.
SALE = "sale"
REFUND = "refund"
WITHHELD_TAX = "withheld_tax"
FEE = "fee"
TRANSFER = "transfer"
KINDS = (SALE, REFUND, WITHHELD_TAX, FEE, TRANSFER)
ORDER_AMOUNT_KINDS = frozenset({SALE, REFUND, WITHHELD_TAX})

# Wire values the kinds are decided from (compared ignoring case, spaces and punctuation).
TRANSACTION_TYPE_ORDER = "Order"
TRANSACTION_TYPE_REFUND = "Refund"
TRANSACTION_TYPE_TRANSFER = "Transfer"
# The refund-like transaction types known; what makes one refund-like is its name ending in
# REFUND_TRANSACTION_SUFFIX, so a variant Amazon adds is not taken for a sale.
REFUND_TRANSACTION_TYPES = frozenset(
    {
        TRANSACTION_TYPE_REFUND,
        "Chargeback Refund",
        "A-to-z Guarantee Refund",
        "GuaranteeClaimRefund",
    }
)
REFUND_TRANSACTION_SUFFIX = "Refund"
TRANSFER_TRANSACTION_TYPES = frozenset(
    {TRANSACTION_TYPE_TRANSFER, "Payable to Amazon", "Successful charge"}
)
TRANSFER_DESCRIPTIONS = frozenset(
    {
        "Previous Reserve Amount Balance",
        "Current Reserve Amount",
        "Payable to Amazon",
        "Successful charge",
    }
)
AMOUNT_TYPE_ITEM_PRICE = "ItemPrice"
AMOUNT_TYPE_PROMOTION = "Promotion"
AMOUNT_TYPE_ITEM_FEES = "ItemFees"
AMOUNT_TYPE_WITHHELD_TAX = "ItemWithheldTax"
BUYER_AMOUNT_TYPES = frozenset({AMOUNT_TYPE_ITEM_PRICE, AMOUNT_TYPE_PROMOTION})
# Amazon files some withheld taxes under other amount types (ItemFees in the V2 sample).
WITHHELD_TAX_DESCRIPTION_PREFIXES = ("MarketplaceFacilitator", "LowValueGoodsTax-")

# Number and date conventions when a file's own cells do not settle them.
DOT_DECIMAL_CURRENCIES = frozenset(
    {"USD", "CAD", "GBP", "AUD", "JPY", "INR", "MXN", "SGD", "AED", "SAR", "EGP", "CNY"}
)
COMMA_DECIMAL_CURRENCIES = frozenset({"EUR", "SEK", "PLN", "TRY", "BRL"})
MONTH_FIRST_CURRENCIES = frozenset({"USD", "CAD"})
# Two-digit years (`09/06/25`) are in this century.
CENTURY = 2000

_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space (French grouping)
_MINUS_SIGNS = "\u2212"
_SPACE_GROUPED = re.compile(rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?")
_NUMBER_BODY = re.compile(r"[\d.,]*\d[\d.,]*")
_TIME = (
    r"(?:(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?)?"
)
_ZONE = (
    r"\s*(?P<zone>UTC|GMT|Z)?\s*(?:(?P<sign>[+-])(?P<zone_hours>\d{2}):?(?P<zone_minutes>\d{2})?)?"
)
_DATE_LAYOUTS = (
    r"(?P<year>\d{4})(?P<separator>[-/])(?P<month>\d{1,2})(?P=separator)(?P<day>\d{1,2})",
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})",
    r"(?P<first_number>\d{1,2})/(?P<second_number>\d{1,2})/(?P<year>\d{4}|\d{2})",
)
_DATE_PATTERNS = tuple(
    re.compile(layout + _TIME + _ZONE, re.IGNORECASE) for layout in _DATE_LAYOUTS
)
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/\d{2,4}")


def _wire_key(value):
    """A wire value compared ignoring case, spaces and punctuation ("A-to-z" = "AtoZ")."""
    return "".join(character for character in value.casefold() if character.isalnum())


_REFUND_SUFFIX_KEY = _wire_key(REFUND_TRANSACTION_SUFFIX)
_TRANSFER_TRANSACTION_KEYS = frozenset(map(_wire_key, TRANSFER_TRANSACTION_TYPES))
_TRANSFER_DESCRIPTION_KEYS = frozenset(map(_wire_key, TRANSFER_DESCRIPTIONS))
_BUYER_AMOUNT_TYPE_KEYS = frozenset(map(_wire_key, BUYER_AMOUNT_TYPES))
_WITHHELD_TAX_AMOUNT_TYPE_KEY = _wire_key(AMOUNT_TYPE_WITHHELD_TAX)
_WITHHELD_TAX_PREFIXES = tuple(prefix.casefold() for prefix in WITHHELD_TAX_DESCRIPTION_PREFIXES)


@dataclass(frozen=True)
class SettlementLine:
    """One amount of a settlement; text fields are "" when the file leaves them empty."""

    row: int  # line number in the file (the header is row 1), for messages
    transaction_type: str
    order_id: str
    merchant_order_id: str
    adjustment_id: str
    shipment_id: str
    marketplace_name: str
    amount_type: str
    amount_description: str
    amount: Decimal
    fulfillment_id: str
    posted: datetime | None  # naive UTC
    order_item_code: str
    merchant_order_item_id: str
    merchant_adjustment_item_id: str
    sku: str
    quantity: int | None
    promotion_id: str

    @property
    def is_refund_transaction(self):
        """Whether the line belongs to a refund-like transaction: its type ends in "Refund"
        (Refund, Chargeback Refund, A-to-z Guarantee Refund, GuaranteeClaimRefund...)."""
        return _wire_key(self.transaction_type).endswith(_REFUND_SUFFIX_KEY)

    @property
    def kind(self):
        """What the money is, decided in this order (first match wins):

        1. TRANSFER: the transaction type is a transfer (Transfer, Payable to Amazon,
           Successful charge) or the description is a reserve or balance movement (Previous
           Reserve Amount Balance, Current Reserve Amount, Payable to Amazon, Successful
           charge).
        2. WITHHELD_TAX: the amount type is ItemWithheldTax, or the description starts with
           MarketplaceFacilitator or LowValueGoodsTax-, whatever the amount type.
        3. SALE or REFUND: the amount type is ItemPrice or Promotion; REFUND in a refund-like
           transaction (`is_refund_transaction`), SALE in any other.
        4. FEE: everything else (ItemFees, Shipment-Fees, other-transaction...).
        """
        if (
            _wire_key(self.transaction_type) in _TRANSFER_TRANSACTION_KEYS
            or _wire_key(self.amount_description) in _TRANSFER_DESCRIPTION_KEYS
        ):
            return TRANSFER
        if _wire_key(self.amount_type) == _WITHHELD_TAX_AMOUNT_TYPE_KEY or (
            self.amount_description.casefold().startswith(_WITHHELD_TAX_PREFIXES)
        ):
            return WITHHELD_TAX
        if _wire_key(self.amount_type) in _BUYER_AMOUNT_TYPE_KEYS:
            return REFUND if self.is_refund_transaction else SALE
        return FEE

    @property
    def is_order_amount(self):
        """Part of what a buyer paid or got back for an order (taxes Amazon keeps included)."""
        return self.kind in ORDER_AMOUNT_KINDS and bool(self.order_id)


@dataclass(frozen=True)
class Settlement:
    settlement_id: str
    start: datetime | None  # naive UTC
    end: datetime | None
    deposit_date: datetime | None
    total_amount: Decimal  # what Amazon pays out (negative: what the seller owes)
    currency: str
    lines: tuple  # (SettlementLine, ...) in file order
    marketplace_name: str = ""

    @property
    def lines_total(self):
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def difference(self):
        """The total minus the lines: zero when the file adds up (not checked on parsing)."""
        return self.total_amount - self.lines_total

    def order_totals(self):
        """{order id: what its buyer paid}: SALE and WITHHELD_TAX lines outside refunds."""
        return self._totals_per_order(refunds=False)

    def refund_totals(self):
        """{order id: what was refunded}: REFUND lines and the WITHHELD_TAX lines of refunds."""
        return self._totals_per_order(refunds=True)

    def _totals_per_order(self, *, refunds):
        totals = {}
        for line in self.lines:
            if line.is_order_amount and line.is_refund_transaction == refunds:
                totals[line.order_id] = totals.get(line.order_id, ZERO) + line.amount
        return totals


def parse_amount(text: str, decimal_comma: bool | None = None) -> Decimal:
    """The Decimal `text` writes in a marketplace's local format.

    `1234.56`, `-1234.56`, `1,234.56`, `1.234,56`, `1234,56`, `1 234,56`, `12,34,567.00`
    (Indian grouping). When both `.` and `,` appear, the last one is the decimal separator; a
    lone separator followed by other than 3 digits is the decimal separator; several of the
    same kind are thousands separators. A lone separator followed by exactly 3 digits
    (`1,234`) is ambiguous: `decimal_comma` decides (True: `,` is the decimal separator,
    False: `.` is), and None makes it an error.
    """
    cleaned = str(text).strip()
    for minus in _MINUS_SIGNS:
        cleaned = cleaned.replace(minus, "-")
    sign = ""
    if cleaned[:1] in ("-", "+"):
        sign = "-" if cleaned[0] == "-" else ""
        cleaned = cleaned[1:].lstrip()
    grouped_by_spaces = any(space in cleaned for space in _SPACES)
    if grouped_by_spaces:
        if not _SPACE_GROUPED.fullmatch(cleaned):
            raise AmazonDocumentError(f"not an amount: {text!r}", document=DOCUMENT)
        cleaned = "".join(character for character in cleaned if character not in _SPACES)
    if not _NUMBER_BODY.fullmatch(cleaned):
        raise AmazonDocumentError(f"not an amount: {text!r}", document=DOCUMENT)
    decimal_separator = _decimal_separator(cleaned, decimal_comma, grouped_by_spaces, text)
    if decimal_separator:
        integer, _, fraction = cleaned.rpartition(decimal_separator)
        if not fraction.isdigit():
            raise AmazonDocumentError(f"not an amount: {text!r}", document=DOCUMENT)
    else:
        integer, fraction = cleaned, ""
    return Decimal(sign + (_ungrouped(integer, text) or "0") + (f".{fraction}" if fraction else ""))


def _decimal_separator(body, decimal_comma, grouped_by_spaces, text):
    """The decimal separator of a number made of digits, `.` and `,`; None if it has none."""
    separators = [character for character in ".," if character in body]
    if not separators:
        return None
    if len(separators) == 2:
        return max(separators, key=body.rfind)
    (separator,) = separators
    if body.count(separator) > 1:
        return None
    integer, _, fraction = body.partition(separator)
    # Thousands come in threes after a non-zero leading group; anything else is decimals.
    if len(fraction) != 3 or grouped_by_spaces or integer in ("", "0"):
        return separator
    if decimal_comma is None:
        raise AmazonDocumentError(
            f"ambiguous amount {text!r}: is {separator!r} a decimal or thousands separator?",
            document=DOCUMENT,
        )
    return separator if (separator == ",") == decimal_comma else None


def _ungrouped(integer, text):
    """The digits of an integer part, checking its thousands groups if it has any."""
    groups = integer.replace(",", ".").split(".")
    if len(groups) == 1:
        return integer
    if integer.count(",") and integer.count("."):
        raise AmazonDocumentError(f"not an amount: {text!r}", document=DOCUMENT)
    first, *middle, last = groups
    # Middle groups of two: Indian grouping (lakh, crore) as in 12,34,567.
    middle_sizes = (2, 3) if "," in integer else (3,)
    if not (
        1 <= len(first) <= 3
        and len(last) == 3
        and all(len(group) in middle_sizes for group in middle)
        and all(group.isdigit() for group in groups)
    ):
        raise AmazonDocumentError(f"not an amount: {text!r}", document=DOCUMENT)
    return "".join(groups)


def parse_date(text: str, day_first: bool = True) -> datetime:
    """The naive UTC datetime `text` writes, as Amazon writes dates in settlement reports.

    `2026-06-16 00:00:00 UTC`, `2026-06-16T00:00:00+00:00`, `2026/06/16`, `16.06.2026
    00:00:00 UTC` (dots: day first), `06/16/2026`, `16/06/2026`, `09/06/25`, with an optional
    time, `UTC`, `GMT`, `Z` or offset (no zone: UTC). Slashes put the day first when the first
    number is over 12, the month first when the second is; else `day_first` decides.
    """
    cleaned = str(text).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            break
    else:
        raise AmazonDocumentError(f"not a date: {text!r}", document=DOCUMENT)
    parts = match.groupdict()
    if parts.get("first_number"):
        day, month = _day_and_month(
            int(parts["first_number"]), int(parts["second_number"]), day_first
        )
    else:
        day, month = int(parts["day"]), int(parts["month"])
    year = int(parts["year"])
    if len(parts["year"]) == 2:
        year += CENTURY
    fraction = (parts["fraction"] or "")[:6].ljust(6, "0")
    try:
        zone = timezone.utc
        if parts["sign"]:
            offset = timedelta(
                hours=int(parts["zone_hours"]), minutes=int(parts["zone_minutes"] or 0)
            )
            zone = timezone(-offset if parts["sign"] == "-" else offset)
        moment = datetime(
            year,
            month,
            day,
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError:
        raise AmazonDocumentError(f"not a date: {text!r}", document=DOCUMENT) from None
    return naive_utc(moment)


def _day_and_month(first, second, day_first):
    if first > 12:
        return first, second
    if second > 12:
        return second, first
    return (first, second) if day_first else (second, first)


def parse_settlement(content: bytes | str, *, encoding: str | None = None) -> Settlement:
    """A GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2 report document (bytes or str).

    Bytes are UTF-8 (with or without BOM), else Windows-1252 / Latin-1, unless `encoding`
    says otherwise. Raises AmazonDocumentError, with the row number, for what is malformed.
    """
    text = decode_text(content, document=DOCUMENT, encoding=encoding)
    rows = tab_rows(text)
    if not rows:
        raise AmazonDocumentError("empty file", document=DOCUMENT)
    header_row, header_cells = rows[0]
    columns = _columns(header_cells, header_row)
    width = len(header_cells)
    records = [
        (number, row_record(cells, columns, width, number, document=DOCUMENT))
        for number, cells in rows[1:]
    ]
    if not records:
        raise AmazonDocumentError("no summary row after the header", document=DOCUMENT)
    summary_row, summary = records[0]
    where = f"row {summary_row}"
    if summary[TRANSACTION_TYPE]:
        raise AmazonDocumentError(
            "no summary row: the first row after the header is a transaction "
            f"({summary[TRANSACTION_TYPE]}), not the settlement's total",
            document=DOCUMENT,
            path=where,
        )
    settlement_id = summary[SETTLEMENT_ID]
    if not settlement_id:
        raise AmazonDocumentError(f"missing {SETTLEMENT_ID}", document=DOCUMENT, path=where)
    currency = summary[CURRENCY].upper()
    if not currency:
        raise AmazonDocumentError(f"missing {CURRENCY}", document=DOCUMENT, path=where)
    decimal_comma = _decimal_comma(records, currency)
    day_first = _day_first(records, currency)
    if not summary[TOTAL_AMOUNT]:
        raise AmazonDocumentError(f"missing {TOTAL_AMOUNT}", document=DOCUMENT, path=where)
    total_amount = _amount_cell(summary, TOTAL_AMOUNT, summary_row, decimal_comma)
    dates = {
        name: _date_cell(summary, name, summary_row, day_first) for name in SUMMARY_DATE_COLUMNS
    }
    lines = []
    for number, record in records[1:]:
        _check_same_settlement(record, number, settlement_id, currency)
        lines.append(_line(record, number, decimal_comma, day_first))
    return Settlement(
        settlement_id=settlement_id,
        start=dates[SETTLEMENT_START_DATE],
        end=dates[SETTLEMENT_END_DATE],
        deposit_date=dates[DEPOSIT_DATE],
        total_amount=total_amount,
        currency=currency,
        lines=tuple(lines),
        marketplace_name=next(
            (line.marketplace_name for line in lines if line.marketplace_name), ""
        ),
    )


def _columns(cells, row):
    """{column name: index} from the header row; the V1 layout is named as such."""
    columns = header_columns(
        cells,
        row,
        document=DOCUMENT,
        identifying=(SETTLEMENT_ID,),
        shown=(SETTLEMENT_ID, TOTAL_AMOUNT),
        what="settlement flat file",
    )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing and V1_COLUMNS & columns.keys():
        raise AmazonDocumentError(
            "this is the V1 settlement flat file layout (price-type, item-related-fee-type "
            f"columns), which Amazon no longer produces since {V1_REMOVAL_DATE}: use the report "
            f"type {SETTLEMENT_REPORT_TYPE}",
            document=DOCUMENT,
            path=f"row {row}",
        )
    check_required_columns(columns, REQUIRED_COLUMNS, row, document=DOCUMENT)
    return columns


def _decimal_comma(records, currency):
    """Whether the file writes decimal commas: from its unambiguous amounts, else the currency."""
    votes = {
        _decimal_comma_evidence(record.get(name, ""))
        for _number, record in records
        for name in (TOTAL_AMOUNT, AMOUNT)
    }
    votes.discard(None)
    if len(votes) == 1:
        return votes.pop()
    if currency in COMMA_DECIMAL_CURRENCIES:
        return True
    if currency in DOT_DECIMAL_CURRENCIES:
        return False
    return None


def _decimal_comma_evidence(text):
    """True or False when `text` alone shows which separator is the decimal one, else None."""
    text = text.strip().lstrip("+-" + _MINUS_SIGNS).strip()
    try:
        separator = _decimal_separator(text, None, False, text)
    except AmazonDocumentError:
        return None
    if separator:
        return separator == ","
    # Several separators of one kind are thousands separators: the other kind is the decimal.
    if text.count(",") > 1:
        return False
    if text.count(".") > 1:
        return True
    return None


def _day_first(records, currency):
    """Whether slashed dates put the day first: from the file's dates, else the currency."""
    votes = set()
    for _number, record in records:
        for name in DATE_COLUMNS:
            match = _SLASH_DATE.match(record.get(name, ""))
            if match:
                first, second = int(match[1]), int(match[2])
                if first > 12 >= second:
                    votes.add(True)
                elif second > 12 >= first:
                    votes.add(False)
    if len(votes) == 1:
        return votes.pop()
    return currency not in MONTH_FIRST_CURRENCIES


def _amount_cell(record, name, row, decimal_comma):
    try:
        return parse_amount(record[name], decimal_comma)
    except AmazonDocumentError as error:
        raise at_cell(error, row, name, document=DOCUMENT) from None


def _date_cell(record, name, row, day_first):
    text = record.get(name, "")
    if not text:
        return None
    try:
        return parse_date(text, day_first)
    except AmazonDocumentError as error:
        raise at_cell(error, row, name, document=DOCUMENT) from None


def _check_same_settlement(record, row, settlement_id, currency):
    if record[SETTLEMENT_ID] != settlement_id:
        raise AmazonDocumentError(
            f"{SETTLEMENT_ID} {record[SETTLEMENT_ID] or '(empty)'} in a report of settlement "
            f"{settlement_id}",
            document=DOCUMENT,
            path=f"row {row}",
        )
    line_currency = record[CURRENCY].upper()
    if line_currency and line_currency != currency:
        raise AmazonDocumentError(
            f"amount in {line_currency}, the settlement is in {currency}",
            document=DOCUMENT,
            path=f"row {row}",
        )


def _line(record, row, decimal_comma, day_first):
    if not record[AMOUNT]:
        raise AmazonDocumentError(
            f"missing {AMOUNT}", document=DOCUMENT, path=f"row {row}, column {AMOUNT}"
        )
    posted_column = POSTED_DATE_TIME if record.get(POSTED_DATE_TIME) else POSTED_DATE
    return SettlementLine(
        row=row,
        amount=_amount_cell(record, AMOUNT, row, decimal_comma),
        posted=_date_cell(record, posted_column, row, day_first),
        quantity=_quantity(record.get(QUANTITY_PURCHASED, ""), row),
        **{field: record.get(column, "") for field, column in LINE_TEXT_COLUMNS.items()},
    )


def _quantity(text, row):
    if not text:
        return None
    if not text.isdigit():
        raise AmazonDocumentError(
            f"not a quantity: {text!r}",
            document=DOCUMENT,
            path=f"row {row}, column {QUANTITY_PURCHASED}",
        )
    return int(text)


# What Amazon's amount descriptions of fees and other amounts are, as the default booking
# of a new account groups them (the Odoo side maps each group to a ledger account; any
# description not listed here is left for a person to map).
FEE_GROUP = "fee"
REIMBURSEMENT_GROUP = "reimbursement"
RESERVE_GROUP = "reserve"
KNOWN_DESCRIPTIONS = {
    # selling and fulfilment fees (ItemFees, Shipment-Fees)
    "Commission": FEE_GROUP,
    "RefundCommission": FEE_GROUP,
    "VariableClosingFee": FEE_GROUP,
    "FixedClosingFee": FEE_GROUP,
    "DigitalServicesFee": FEE_GROUP,
    "FBAPerUnitFulfillmentFee": FEE_GROUP,
    "FBAPerOrderFulfillmentFee": FEE_GROUP,
    "FBAWeightBasedFee": FEE_GROUP,
    "ShippingChargeback": FEE_GROUP,
    "ShippingHB": FEE_GROUP,
    "GiftwrapChargeback": FEE_GROUP,
    "SalesTaxCollectionFee": FEE_GROUP,
    "MarketplaceFacilitatorTax-Other": FEE_GROUP,
    # account-level fees (other-transaction)
    "Subscription Fee": FEE_GROUP,
    "Subscription": FEE_GROUP,
    "Storage Fee": FEE_GROUP,
    "StorageRenewalBilling": FEE_GROUP,
    "FBA Long-Term Storage Fee": FEE_GROUP,
    "LowInventoryLevelFee": FEE_GROUP,
    "Cost of Advertising": FEE_GROUP,
    "FBAInboundTransportationFee": FEE_GROUP,
    "FBA Inbound Placement Service Fee": FEE_GROUP,
    "RemovalComplete": FEE_GROUP,
    "DisposalComplete": FEE_GROUP,
    # money Amazon gives back
    "Refund Reimbursal": REIMBURSEMENT_GROUP,
    "REVERSAL_REIMBURSEMENT": REIMBURSEMENT_GROUP,
    "WAREHOUSE_DAMAGE": REIMBURSEMENT_GROUP,
    "WAREHOUSE_LOST": REIMBURSEMENT_GROUP,
    "MISSING_FROM_INBOUND": REIMBURSEMENT_GROUP,
    "FREE_REPLACEMENT_REFUND_ITEMS": REIMBURSEMENT_GROUP,
    # money Amazon holds back or releases
    **dict.fromkeys(TRANSFER_DESCRIPTIONS, RESERVE_GROUP),
}
