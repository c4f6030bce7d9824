"""FBA customer returns report GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA (tab-separated)."""

import gzip
from datetime import datetime

import pytest

from amazon_sp.documents import (
    RETURNS_REPORT_TYPE,
    SELLABLE,
    AmazonDocumentError,
    CustomerReturn,
    parse_customer_returns,
)
from amazon_sp.documents.returns import parse_return_date

HEADER = (
    "return-date",
    "order-id",
    "sku",
    "asin",
    "fnsku",
    "product-name",
    "quantity",
    "fulfillment-center-id",
    "detailed-disposition",
    "reason",
    "status",
    "license-plate-number",
    "customer-comments",
)
ORDER = "113-1234567-7654321"
SELLABLE_ROW = {
    "return-date": "2025-06-05T15:31:40+00:00",
    "order-id": ORDER,
    "sku": "MUG-1",
    "asin": "B000TEST01",
    "fnsku": "X001ABCDEF",
    "product-name": "Coffee mug, blue",
    "quantity": "2",
    "fulfillment-center-id": "PHX7",
    "detailed-disposition": "SELLABLE",
    "reason": "UNWANTED_ITEM",
    "status": "Unit returned to inventory",
    "license-plate-number": "LPNNC5N165ZVR",
    "customer-comments": "",
}
DAMAGED_ROW = {
    **SELLABLE_ROW,
    "return-date": "2025-06-06T08:00:00+00:00",
    "quantity": "1",
    "detailed-disposition": "CUSTOMER_DAMAGED",
    "reason": "DEFECTIVE",
    "status": "Reimbursed",
    "license-plate-number": "LPNHK8V0D3WQ1",
    "customer-comments": "Arrived cracked",
}
DAMAGED_ROW_KEY = f"{ORDER}|MUG-1|LPNHK8V0D3WQ1"


def report(*rows, header=HEADER, newline="\n"):
    """The report text: the header, then each row (a dict by column name, or a list of cells)."""
    lines = ["\t".join(header)]
    for row in rows:
        cells = [row.get(column, "") for column in header] if isinstance(row, dict) else row
        lines.append("\t".join(cells))
    return newline.join(lines) + newline


def parse_one(*rows, **options):
    (line,) = parse_customer_returns(report(*rows, **options))
    return line


def parse_one_bytes(content):
    (line,) = parse_customer_returns(content)
    return line


def error_of(content):
    with pytest.raises(AmazonDocumentError) as raised:
        parse_customer_returns(content)
    return str(raised.value)


def test_every_column_is_read():
    sellable, damaged = parse_customer_returns(report(SELLABLE_ROW, DAMAGED_ROW).encode())

    assert sellable == CustomerReturn(
        return_date=datetime(2025, 6, 5, 15, 31, 40),
        order_id=ORDER,
        sku="MUG-1",
        asin="B000TEST01",
        fnsku="X001ABCDEF",
        product_name="Coffee mug, blue",
        quantity=2,
        fulfillment_center_id="PHX7",
        detailed_disposition="SELLABLE",
        reason="UNWANTED_ITEM",
        status="Unit returned to inventory",
        license_plate_number="LPNNC5N165ZVR",
        customer_comments="",
        row=2,
    )
    assert sellable.sellable
    assert (damaged.row, damaged.quantity, damaged.status) == (3, 1, "Reimbursed")
    assert damaged.customer_comments == "Arrived cracked"
    assert not damaged.sellable
    assert RETURNS_REPORT_TYPE == "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"


@pytest.mark.parametrize(
    ("disposition", "sellable"),
    [
        (SELLABLE, True),
        ("sellable", True),
        ("Sellable", True),
        ("CUSTOMER_DAMAGED", False),
        ("DEFECTIVE", False),
        ("DAMAGED", False),
        ("CARRIER_DAMAGED", False),
    ],
)
def test_only_sellable_units_are_sellable(disposition, sellable):
    assert parse_one({**SELLABLE_ROW, "detailed-disposition": disposition}).sellable is sellable


def test_return_key_is_order_sku_and_license_plate():
    line = parse_one(SELLABLE_ROW)

    assert line.return_key == f"{ORDER}|MUG-1|LPNNC5N165ZVR"


def test_return_key_without_license_plate_is_date_centre_and_disposition():
    line = parse_one(
        {**SELLABLE_ROW, "license-plate-number": "", "detailed-disposition": "sellable"}
    )

    assert line.return_key == f"{ORDER}|MUG-1|2025-06-05T15:31:40|PHX7|SELLABLE"


def test_return_key_is_the_same_in_every_report_that_lists_the_line():
    """Report windows overlap: the next report lists the line again, maybe among others and
    with its date written another way, and its status moved on."""
    without_plate = {**DAMAGED_ROW, "license-plate-number": ""}
    first = parse_customer_returns(report(SELLABLE_ROW, without_plate))
    again = parse_customer_returns(
        report(
            {**SELLABLE_ROW, "return-date": "2025-06-05 15:31:40 UTC", "status": "Reimbursed"},
            {**without_plate, "return-date": "2025-06-06T10:00:00+02:00"},
            {**SELLABLE_ROW, "license-plate-number": "LPNOTHER00001"},
        )
    )

    assert [line.return_key for line in again[:2]] == [line.return_key for line in first]
    assert len({line.return_key for line in again}) == 3


def test_identical_lines_without_license_plate_get_distinct_keys():
    twin = {**SELLABLE_ROW, "license-plate-number": "", "quantity": "1"}

    lines = parse_customer_returns(report(twin, DAMAGED_ROW, twin))

    base = f"{ORDER}|MUG-1|2025-06-05T15:31:40|PHX7|SELLABLE"
    assert [line.return_key for line in lines] == [base, DAMAGED_ROW_KEY, f"{base}|2"]
    assert [line.occurrence for line in lines] == [1, 1, 2]


def test_lines_with_the_same_license_plate_share_their_key():
    """A license plate labels one unit: the same plate twice is the same return."""
    lines = parse_customer_returns(report(DAMAGED_ROW, {**DAMAGED_ROW, "status": "Reimbursed"}))

    assert lines[0].return_key == lines[1].return_key == DAMAGED_ROW_KEY


def test_columns_are_found_by_name_in_any_order_and_case():
    header = tuple(reversed([name.upper() for name in HEADER]))
    row = {name.upper(): value for name, value in SELLABLE_ROW.items()}

    line = parse_one(row, header=header)

    assert line == parse_one(SELLABLE_ROW)


def test_missing_optional_columns_and_extra_ones_are_tolerated():
    """One importer's files have no status column; a marketplace may add columns."""
    header = ("return-date", "order-id", "sku", "quantity", "detailed-disposition", "extra")
    row = {**SELLABLE_ROW, "extra": "anything"}

    line = parse_one(row, header=header)

    assert (line.order_id, line.sku, line.quantity) == (ORDER, "MUG-1", 2)
    assert line.status == line.asin == line.license_plate_number == line.customer_comments == ""
    assert line.return_key == f"{ORDER}|MUG-1|2025-06-05T15:31:40||SELLABLE"


def test_short_rows_have_empty_cells_at_their_end():
    cells = [SELLABLE_ROW[name] for name in HEADER[:9]]

    line = parse_one(cells)

    assert (line.reason, line.status, line.license_plate_number) == ("", "", "")


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2025-06-05T15:31:40+00:00", datetime(2025, 6, 5, 15, 31, 40)),
        ("2025-06-05T15:31:40Z", datetime(2025, 6, 5, 15, 31, 40)),
        ("2025-06-05T15:31:40z", datetime(2025, 6, 5, 15, 31, 40)),
        ("2025-06-05 15:31:40 UTC", datetime(2025, 6, 5, 15, 31, 40)),
        ("2025-06-05 15:31:40 GMT", datetime(2025, 6, 5, 15, 31, 40)),
        ("2025-06-05T15:31:40", datetime(2025, 6, 5, 15, 31, 40)),
        ("2025-06-05T08:31:40-07:00", datetime(2025, 6, 5, 15, 31, 40)),
        ("2025-06-05T23:31:40+08:00", datetime(2025, 6, 5, 15, 31, 40)),
        ("2025-06-05T15:31:40.250+00:00", datetime(2025, 6, 5, 15, 31, 40, 250000)),
        ("2025-06-05", datetime(2025, 6, 5)),
    ],
)
def test_return_dates_become_naive_utc(text, moment):
    assert parse_return_date(text) == moment
    assert parse_one({**SELLABLE_ROW, "return-date": text}).return_date == moment


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_utf8_with_bom_and_any_line_ending(newline):
    row = {**SELLABLE_ROW, "product-name": "Tasse à café \u2013 bleue"}
    content = b"\xef\xbb\xbf" + report(row, newline=newline).encode("utf-8")

    line = parse_one_bytes(content)

    assert line.product_name == "Tasse à café \u2013 bleue"
    assert line.customer_comments == ""


def test_windows_1252_falls_back():
    content = report({**SELLABLE_ROW, "customer-comments": "Trop petite \u2013 déçu"}).encode(
        "cp1252"
    )

    assert parse_one_bytes(content).customer_comments == "Trop petite \u2013 déçu"


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers():
    content = report(SELLABLE_ROW).replace("\n", "\n\n", 1) + "\n\n  \n"

    assert parse_one_bytes(content.encode()).row == 3


@pytest.mark.parametrize("content", [report(), report().encode(), report() + "\r\n\r\n"])
def test_a_report_with_only_its_header_has_no_return(content):
    assert parse_customer_returns(content) == ()


def test_no_header_row():
    content = "\t".join(SELLABLE_ROW[name] for name in HEADER) + "\n"

    assert error_of(content) == (
        "FBA customer returns report: no header row: the first line does not name the columns "
        "(return-date, order-id, sku, ...); is this a tab-separated customer returns flat file? "
        "at row 1"
    )


@pytest.mark.parametrize("content", ["", b"", "\n\r\n  \n", b"\xef\xbb\xbf"])
def test_an_empty_document_has_no_header(content):
    assert "empty file: no header row" in error_of(content)


def test_settlement_report_is_not_a_returns_report():
    assert "no header row" in error_of("settlement-id\ttotal-amount\tcurrency\n1\t2\tUSD\n")


@pytest.mark.parametrize("missing", ["sku", "quantity", "detailed-disposition"])
def test_missing_required_column(missing):
    header = tuple(name for name in HEADER if name != missing)

    assert error_of(report(SELLABLE_ROW, header=header)) == (
        f"FBA customer returns report: missing column {missing} at row 1"
    )


def test_column_named_twice():
    assert "column sku appears twice at row 1" in error_of(report(header=(*HEADER, "SKU")))


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "two", "²", " "])
def test_bad_quantity_names_its_row(quantity):
    content = report(DAMAGED_ROW, {**SELLABLE_ROW, "quantity": quantity})

    message = error_of(content)

    assert message.endswith("at row 3, column quantity")
    expected = "missing quantity" if not quantity.strip() else f"{quantity!r}"
    assert expected in message


@pytest.mark.parametrize(
    "text", ["05/06/2025", "2025-06-31T10:00:00Z", "yesterday", "2025-06-05T15:31:40 PST"]
)
def test_bad_return_date_names_its_row(text):
    message = error_of(report({**SELLABLE_ROW, "return-date": text}))

    assert (
        message == f"FBA customer returns report: not a date: {text!r} at row 2, column return-date"
    )


@pytest.mark.parametrize("column", ["return-date", "order-id", "sku", "detailed-disposition"])
def test_empty_required_cell_names_its_row_and_column(column):
    message = error_of(report({**SELLABLE_ROW, column: ""}))

    assert message == f"FBA customer returns report: missing {column} at row 2, column {column}"


def test_row_longer_than_the_header():
    cells = [*(SELLABLE_ROW[name] for name in HEADER), "surplus"]

    assert "14 cells, the header has 13 columns at row 2" in error_of(report(cells))


def test_gzipped_content_is_refused_clearly():
    assert "gzip-compressed" in error_of(gzip.compress(report(SELLABLE_ROW).encode()))


def test_neither_bytes_nor_text_is_refused():
    assert "expected bytes or text, not dict" in error_of({"return-date": "x"})


def test_lines_are_frozen():
    line = parse_one(SELLABLE_ROW)

    with pytest.raises(AttributeError):
        line.quantity = 3
