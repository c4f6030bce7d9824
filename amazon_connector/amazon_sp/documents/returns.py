"""FBA customer returns report `GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA`: the units buyers
sent back to Amazon's fulfilment centres, as a tab-separated flat file, turned into
`CustomerReturn`s.

Its 13 documented columns: return-date, order-id, sku, asin, fnsku, product-name, quantity,
fulfillment-center-id, detailed-disposition, reason, status, license-plate-number,
customer-comments. Some marketplaces' files leave some out (status) or add others, so cells
are read by header name (ignoring case); only return-date, order-id, sku, quantity and
detailed-disposition are required. A file with only its header has no return.

Values seen: detailed-disposition SELLABLE, CUSTOMER_DAMAGED, DEFECTIVE, DAMAGED,
CARRIER_DAMAGED (only SELLABLE units go back on sale); reason NOT_COMPATIBLE, UNWANTED_ITEM,
DEFECTIVE, NOT_AS_DESCRIBED...; status "Unit returned to inventory", "Reimbursed"...;
return-date `2025-06-05T15:31:40+00:00`. Decompressing a gzipped report document is the
client's job, not this module's.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime

from .common import AmazonDocumentError, decode_text, parse_iso_datetime
from .flat_files import at_cell, check_required_columns, header_columns, row_record, tab_rows

DOCUMENT = "FBA customer returns report"
RETURNS_REPORT_TYPE = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
SELLABLE = "SELLABLE"

# Columns, as Amazon names them in the header.
RETURN_DATE = "return-date"
ORDER_ID = "order-id"
SKU = "sku"
ASIN = "asin"
FNSKU = "fnsku"
PRODUCT_NAME = "product-name"
QUANTITY = "quantity"
FULFILLMENT_CENTER_ID = "fulfillment-center-id"
DETAILED_DISPOSITION = "detailed-disposition"
REASON = "reason"
STATUS = "status"
LICENSE_PLATE_NUMBER = "license-plate-number"
CUSTOMER_COMMENTS = "customer-comments"

REQUIRED_COLUMNS = (RETURN_DATE, ORDER_ID, SKU, QUANTITY, DETAILED_DISPOSITION)
# CustomerReturn text fields and the column each comes from ("" when the file has no such
# column or leaves the cell empty).
TEXT_COLUMNS = {
    "order_id": ORDER_ID,
    "sku": SKU,
    "asin": ASIN,
    "fnsku": FNSKU,
    "product_name": PRODUCT_NAME,
    "fulfillment_center_id": FULFILLMENT_CENTER_ID,
    "detailed_disposition": DETAILED_DISPOSITION,
    "reason": REASON,
    "status": STATUS,
    "license_plate_number": LICENSE_PLATE_NUMBER,
    "customer_comments": CUSTOMER_COMMENTS,
}
RETURN_KEY_SEPARATOR = "|"

# `2025-06-05T15:31:40+00:00`, `...Z`, `2025-06-05 15:31:40 UTC` (or GMT).
_ZONE_NAME = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)
_Z_SUFFIX = re.compile(r"(?<=\d)Z$", re.IGNORECASE)


@dataclass(frozen=True)
class CustomerReturn:
    """One line of the report: `quantity` units of one order's SKU a buyer sent back.
    Text fields are "" when the file leaves them empty or has no such column."""

    return_date: datetime  # naive UTC
    order_id: str
    sku: str
    asin: str
    fnsku: str
    product_name: str
    quantity: int  # > 0
    fulfillment_center_id: str
    detailed_disposition: str
    reason: str
    status: str
    license_plate_number: str
    customer_comments: str
    row: int = 0  # line number in the file (the header is row 1), for messages
    # Among the lines without license plate that agree on every part of their key: which one
    # this is (1, 2...), in file order.
    occurrence: int = 1

    @property
    def sellable(self):
        """Whether Amazon put the units back on sale (disposition SELLABLE, any case)."""
        return self.detailed_disposition.upper() == SELLABLE

    @property
    def return_key(self):
        """A stable text unique to this returned line, the same in every report that lists it
        (report windows overlap): `order-id|sku|license-plate-number` when the line has a
        license plate (Amazon's label of the returned unit), else
        `order-id|sku|return date (YYYY-MM-DDTHH:MM:SS, UTC)|fulfillment-center-id|
        DETAILED-DISPOSITION`, followed by `|2`, `|3`... for the second, third... line of
        the file with that same key."""
        parts = [self.order_id, self.sku]
        if self.license_plate_number:
            parts.append(self.license_plate_number)
        else:
            parts += [
                self.return_date.strftime("%Y-%m-%dT%H:%M:%S"),
                self.fulfillment_center_id,
                self.detailed_disposition.upper(),
            ]
            if self.occurrence > 1:
                parts.append(str(self.occurrence))
        return RETURN_KEY_SEPARATOR.join(parts)


def parse_customer_returns(
    content: bytes | str, *, encoding: str | None = None
) -> tuple[CustomerReturn, ...]:
    """The lines of a GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA report document (bytes or
    str), in file order; an empty tuple for a file with only its header.

    Bytes are UTF-8 (with or without BOM), else Windows-1252, unless `encoding` says
    otherwise. Raises AmazonDocumentError, with the row number, for what is malformed.
    """
    text = decode_text(content, document=DOCUMENT, encoding=encoding)
    rows = tab_rows(text)
    if not rows:
        raise AmazonDocumentError("empty file: no header row", document=DOCUMENT)
    header_row, header_cells = rows[0]
    columns = header_columns(
        header_cells,
        header_row,
        document=DOCUMENT,
        identifying=(RETURN_DATE, ORDER_ID),
        shown=(RETURN_DATE, ORDER_ID, SKU),
        what="customer returns flat file",
    )
    check_required_columns(columns, REQUIRED_COLUMNS, header_row, document=DOCUMENT)
    width = len(header_cells)
    returns = []
    seen_keys: dict[str, int] = {}
    for number, cells in rows[1:]:
        line = _line(row_record(cells, columns, width, number, document=DOCUMENT), number)
        if not line.license_plate_number:
            occurrence = seen_keys.get(line.return_key, 0) + 1
            seen_keys[line.return_key] = occurrence
            line = replace(line, occurrence=occurrence)
        returns.append(line)
    return tuple(returns)


def parse_return_date(text: str) -> datetime:
    """The naive UTC datetime of a return-date cell: ISO 8601 with an offset or `Z`
    (`2025-06-05T15:31:40+00:00`), or followed by `UTC` / `GMT`; without zone, UTC."""
    cleaned = _ZONE_NAME.sub("", str(text).strip())
    cleaned = _Z_SUFFIX.sub("+00:00", cleaned)
    return parse_iso_datetime(cleaned, f"not a date: {text!r}", document=DOCUMENT)


def _line(record, row):
    for name in REQUIRED_COLUMNS:
        if not record[name]:
            raise AmazonDocumentError(
                f"missing {name}", document=DOCUMENT, path=f"row {row}, column {name}"
            )
    try:
        return_date = parse_return_date(record[RETURN_DATE])
    except AmazonDocumentError as error:
        raise at_cell(error, row, RETURN_DATE, document=DOCUMENT) from None
    return CustomerReturn(
        return_date=return_date,
        quantity=_quantity(record[QUANTITY], row),
        row=row,
        **{field: record.get(column, "") for field, column in TEXT_COLUMNS.items()},
    )


def _quantity(text, row):
    if not (text.isascii() and text.isdigit()) or int(text) == 0:
        raise AmazonDocumentError(
            f"not a quantity of returned units: {text!r}",
            document=DOCUMENT,
            path=f"row {row}, column {QUANTITY}",
        )
    return int(text)
