"""Settlement report GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2 (tab-separated flat file)."""

import gzip
from datetime import datetime
from decimal import Decimal

import pytest

from amazon_emulator import find_models_dir
from amazon_sp.documents import (
    FEE,
    REFUND,
    SALE,
    TRANSFER,
    WITHHELD_TAX,
    AmazonDocumentError,
    parse_amount,
    parse_settlement,
)
from amazon_sp.documents.settlements import REFUND_TRANSACTION_TYPES, parse_date

V2_SAMPLE = "settlement-v2-synthetic-xieyi138.txt"
V1_SAMPLE = "settlement-v1-flatfile-real-adwweaver-50018020314.txt"

HEADER = (
    "settlement-id",
    "settlement-start-date",
    "settlement-end-date",
    "deposit-date",
    "total-amount",
    "currency",
    "transaction-type",
    "order-id",
    "merchant-order-id",
    "adjustment-id",
    "shipment-id",
    "marketplace-name",
    "amount-type",
    "amount-description",
    "amount",
    "fulfillment-id",
    "posted-date",
    "posted-date-time",
    "order-item-code",
    "merchant-order-item-id",
    "merchant-adjustment-item-id",
    "sku",
    "quantity-purchased",
    "promotion-id",
)
SETTLEMENT_ID = "11111111111"
ORDER = "302-1111111-2222222"
OTHER_ORDER = "302-3333333-4444444"


def sample(name):
    """The bytes of a report sample from the shared Amazon models folder, or skip the test."""
    models = find_models_dir()
    if models is None:
        pytest.skip("Amazon models folder not found (set AMAZON_MODELS_DIR): sample skipped")
    path = models / "reports" / name
    if not path.is_file():
        pytest.skip(f"settlement sample {path} not found: sample skipped")
    return path.read_bytes()


def row(**cells):
    """One report row: cells by column name (underscores for hyphens), others empty."""
    values = {name.replace("_", "-"): value for name, value in cells.items()}
    values.setdefault("settlement-id", SETTLEMENT_ID)
    return values


def summary(total="100.00", currency="EUR", **cells):
    dates = {
        "settlement_start_date": "2026-06-01 00:00:00 UTC",
        "settlement_end_date": "2026-06-15 00:00:00 UTC",
        "deposit_date": "2026-06-17 00:00:00 UTC",
    }
    return row(total_amount=total, currency=currency, **{**dates, **cells})


def line(amount, transaction_type="Order", amount_type="ItemPrice", description="Principal", **c):
    cells = {
        "order_id": ORDER,
        "marketplace_name": "Amazon.de",
        "posted_date_time": "2026-06-05 10:00:00 UTC",
        **c,
    }
    return row(
        transaction_type=transaction_type,
        amount_type=amount_type,
        amount_description=description,
        amount=amount,
        **cells,
    )


def report(*rows, header=HEADER, newline="\n"):
    """A flat file with `header` and `rows` (dicts by column name), as text."""
    lines = ["\t".join(header)]
    lines += ["\t".join(values.get(name, "") for name in header) for values in rows]
    return newline.join(lines) + newline


def one_line_report(line_row, total=None, currency="EUR"):
    return report(summary(total or line_row["amount"], currency), line_row)


# The V2 sample ------------------------------------------------------------------------------


def test_v2_sample_summary_and_lines():
    settlement = parse_settlement(sample(V2_SAMPLE))
    assert settlement.settlement_id == "28471003921"
    assert settlement.start == datetime(2026, 6, 16)
    assert settlement.end == datetime(2026, 6, 30, 23, 59, 59)
    assert settlement.deposit_date == datetime(2026, 7, 2)
    assert settlement.currency == "USD"
    assert settlement.marketplace_name == "amazon.com"
    assert settlement.total_amount == Decimal("582.89")
    assert len(settlement.lines) == 23
    assert settlement.lines_total == Decimal("582.89")
    assert settlement.difference == 0
    first = settlement.lines[0]
    assert first.row == 3  # header, summary, then this one
    assert (first.order_id, first.shipment_id, first.sku) == (
        "114-8829371-4410258",
        "DS7K9LM2P",
        "NX-HD-1200",
    )
    assert (first.amount_type, first.amount_description, first.amount) == (
        "ItemPrice",
        "Principal",
        Decimal("129.99"),
    )
    assert first.posted == datetime(2026, 6, 17, 8, 14, 22)
    assert first.quantity == 1
    assert (first.fulfillment_id, first.order_item_code) == ("AFN", "55182930114")
    assert (first.merchant_order_id, first.promotion_id) == ("", "")
    assert settlement.lines[-1].quantity is None


def test_v2_sample_kinds():
    settlement = parse_settlement(sample(V2_SAMPLE))
    kinds = {
        (line.row, line.transaction_type, line.amount_description): line.kind
        for line in settlement.lines
    }
    assert kinds[(4, "Order", "Tax")] == SALE
    assert kinds[(5, "Order", "Commission")] == FEE
    assert kinds[(7, "Order", "MarketplaceFacilitatorVAT-Principal")] == WITHHELD_TAX
    assert kinds[(14, "Refund", "Principal")] == REFUND
    assert kinds[(15, "Refund", "RefundCommission")] == FEE
    assert kinds[(16, "Refund", "Commission")] == FEE
    assert kinds[(19, "ServiceFee", "Storage Fee")] == FEE
    assert kinds[(22, "Shipment", "FBAPerOrderFulfillmentFee")] == FEE
    assert kinds[(23, "Adjustment", "Refund Reimbursal")] == FEE
    assert kinds[(24, "Transfer", "Previous Reserve Amount Balance")] == TRANSFER
    assert kinds[(25, "Transfer", "Current Reserve Amount")] == TRANSFER
    order_amounts = [line.row for line in settlement.lines if line.is_order_amount]
    assert order_amounts == [3, 4, 7, 8, 9, 12, 14, 17]


def test_v2_sample_order_and_refund_totals():
    settlement = parse_settlement(sample(V2_SAMPLE))
    assert settlement.order_totals() == {
        "114-8829371-4410258": Decimal("129.99"),  # 129.99 + 10.40 tax - 10.40 withheld
        "113-2047718-9930613": Decimal("142.49"),
        "114-9930211-5567819": Decimal("210.00"),
    }
    assert settlement.refund_totals() == {"112-5561209-7742044": Decimal("-129.99")}


def test_v1_sample_is_refused_as_the_v1_layout():
    with pytest.raises(AmazonDocumentError, match=r"V1 .*no longer produces since 2026-03-25"):
        parse_settlement(sample(V1_SAMPLE))


# Files written here -------------------------------------------------------------------------


def test_german_locale_decimal_commas_and_day_first_dates():
    content = report(
        summary(
            total="1.234,56",
            settlement_start_date="01.06.2026 00:00:00 UTC",
            settlement_end_date="15.06.2026",
            deposit_date="17.06.2026 08:30:00 UTC",
        ),
        line("1.300,00", posted_date_time="", posted_date="05.06.2026"),
        line("-65,44", amount_type="ItemFees", description="Commission", posted_date_time=""),
    )
    settlement = parse_settlement(content.encode())
    assert settlement.total_amount == Decimal("1234.56")
    assert settlement.start == datetime(2026, 6, 1)
    assert settlement.end == datetime(2026, 6, 15)
    assert settlement.deposit_date == datetime(2026, 6, 17, 8, 30)
    sale, fee = settlement.lines
    assert (sale.amount, sale.kind, sale.posted) == (Decimal("1300.00"), SALE, datetime(2026, 6, 5))
    assert (fee.amount, fee.kind, fee.posted) == (Decimal("-65.44"), FEE, None)
    assert settlement.difference == 0
    assert settlement.marketplace_name == "Amazon.de"


def test_euro_amounts_with_three_decimals_take_the_decimal_comma_of_the_file():
    # "1,500" alone is ambiguous; the file's "95,00" says commas are decimals here.
    content = one_line_report(line("1,500"), total="95,00", currency="XXX")
    settlement = parse_settlement(content)
    assert settlement.lines[0].amount == Decimal("1.500")
    assert settlement.difference == Decimal("93.500")


def test_thousands_commas_elsewhere_in_the_file_make_an_ambiguous_amount_thousands():
    content = one_line_report(line("1,500"), total="1,234,567", currency="XXX")
    assert parse_settlement(content).lines[0].amount == Decimal("1500")


def test_euro_currency_decides_an_ambiguous_amount_alone():
    settlement = parse_settlement(one_line_report(line("1.500"), currency="EUR"))
    assert settlement.total_amount == Decimal("1500")


def test_yen_amounts_have_no_decimals():
    content = one_line_report(line("1,500"), total="1,500", currency="JPY")
    settlement = parse_settlement(content)
    assert (settlement.total_amount, settlement.lines[0].amount) == (Decimal(1500), Decimal(1500))


def test_unknown_currency_and_ambiguous_amounts_are_an_error():
    with pytest.raises(AmazonDocumentError, match=r"ambiguous amount '1,500'.*row 2"):
        parse_settlement(one_line_report(line("1,500"), currency="XXX"))


def test_crlf_bom_padded_cells_extra_and_reordered_columns():
    others = [name for name in HEADER if name not in ("amount", "promotion-id")]
    reordered = ("  amount ", "custom-note", *reversed(others))
    header = [name.title() if name == "settlement-id" else name for name in reordered]
    rows = [
        {**summary(total=" 10.50 "), "custom-note": "anything"},
        {**line("  10.50  ", sku="  MUG-1 "), "custom-note": "x"},
    ]
    lines = ["\t".join(header)] + [
        "\t".join(values.get(name.strip(), "") for name in reordered) for values in rows
    ]
    content = b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n\r\n  \r\n"
    settlement = parse_settlement(content)
    assert settlement.settlement_id == SETTLEMENT_ID
    assert settlement.total_amount == Decimal("10.50")
    (only,) = settlement.lines
    assert (only.amount, only.sku, only.order_id, only.row) == (
        Decimal("10.50"),
        "MUG-1",
        ORDER,
        3,
    )
    assert only.promotion_id == ""  # the column is not in this file


def test_carriage_return_line_ends():
    content = report(summary(total="5.00"), line("5.00"), newline="\r")
    settlement = parse_settlement(content)
    assert [line.row for line in settlement.lines] == [3]


def test_text_input_and_short_rows():
    content = report(summary(total="5.00"), line("5.00")).replace("\t\t\t\t\n", "\n")
    settlement = parse_settlement("\ufeff" + content)
    assert settlement.lines[0].amount == Decimal("5.00")


def test_windows_1252_bytes():
    content = one_line_report(line("19,99", sku="MÜTZE-€"))
    settlement = parse_settlement(content.encode("cp1252"))
    assert settlement.lines[0].sku == "MÜTZE-€"


def test_utf16_with_its_byte_order_mark():
    content = one_line_report(line("19,99", sku="MÜTZE-1"))
    assert parse_settlement(content.encode("utf-16")).lines[0].sku == "MÜTZE-1"


def test_explicit_encoding():
    content = one_line_report(line("1500", sku="マグ"), currency="JPY")
    settlement = parse_settlement(content.encode("shift_jis"), encoding="shift_jis")
    assert settlement.lines[0].sku == "マグ"


def test_a_total_that_differs_from_its_lines_is_not_an_error():
    settlement = parse_settlement(one_line_report(line("10.00"), total="12.50"))
    assert settlement.lines_total == Decimal("10.00")
    assert settlement.difference == Decimal("2.50")


def test_gzip_is_the_clients_job():
    content = gzip.compress(one_line_report(line("10.00")).encode())
    with pytest.raises(AmazonDocumentError, match="gzip-compressed"):
        parse_settlement(content)


def test_slashed_dates_follow_the_file_then_the_currency():
    posted = "06/09/26"
    day_first_file = report(
        summary(currency="USD"),
        line("1.00", posted_date_time="", posted_date=posted),
        line("1.00", posted_date_time="", posted_date="13/06/26"),
    )
    assert parse_settlement(day_first_file).lines[0].posted == datetime(2026, 9, 6)
    us_file = report(summary(currency="USD"), line("1.00", posted_date_time="", posted_date=posted))
    assert parse_settlement(us_file).lines[0].posted == datetime(2026, 6, 9)
    eu_file = report(summary(currency="EUR"), line("1,00", posted_date_time="", posted_date=posted))
    assert parse_settlement(eu_file).lines[0].posted == datetime(2026, 9, 6)


def test_posted_date_time_wins_over_posted_date():
    content = one_line_report(
        line("1.00", posted_date="06/05/26", posted_date_time="2026-06-05T22:30:00-02:00")
    )
    assert parse_settlement(content).lines[0].posted == datetime(2026, 6, 6, 0, 30)


@pytest.mark.parametrize(
    ("transaction_type", "amount_type", "description", "kind"),
    [
        ("Order", "ItemPrice", "Principal", SALE),
        ("Order", "ItemPrice", "Shipping", SALE),
        ("Order", "Promotion", "Principal", SALE),
        ("Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", WITHHELD_TAX),
        ("Order", "ItemFees", "MarketplaceFacilitatorVAT-Shipping", WITHHELD_TAX),
        ("Order", "ItemPrice", "LowValueGoodsTax-Principal", WITHHELD_TAX),
        ("Order", "ItemFees", "FBAPerUnitFulfillmentFee", FEE),
        ("Refund", "ItemPrice", "Principal", REFUND),
        ("Refund", "Promotion", "Shipping", REFUND),
        ("Chargeback Refund", "ItemPrice", "Principal", REFUND),
        ("A-to-z Guarantee Refund", "ItemPrice", "Principal", REFUND),
        ("GuaranteeClaimRefund", "ItemPrice", "Tax", REFUND),
        ("Some Future Refund", "Promotion", "Principal", REFUND),
        ("Refund", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", WITHHELD_TAX),
        ("Refund", "ItemFees", "RefundCommission", FEE),
        ("Adjustment", "FBA Inventory Reimbursement", "WAREHOUSE_DAMAGE", FEE),
        ("other-transaction", "other-transaction", "Current Reserve Amount", TRANSFER),
        ("other-transaction", "other-transaction", "previous reserve amount balance", TRANSFER),
        ("Transfer", "other-transaction", "Unavailable balance", TRANSFER),
        ("Payable to Amazon", "other-transaction", "Payable to Amazon", TRANSFER),
        ("other-transaction", "other-transaction", "Successful charge", TRANSFER),
    ],
)
def test_kinds(transaction_type, amount_type, description, kind):
    content = one_line_report(line("1.00", transaction_type, amount_type, description))
    assert parse_settlement(content).lines[0].kind == kind


@pytest.mark.parametrize("transaction_type", sorted(REFUND_TRANSACTION_TYPES))
def test_known_refund_transaction_types_are_refunds(transaction_type):
    content = one_line_report(line("-1.00", transaction_type))
    assert parse_settlement(content).lines[0].is_refund_transaction


def test_order_amounts_need_an_order_id():
    content = report(
        summary(total="2.00"),
        line("1.00", "Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal"),
        line("1.00", "Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Other", order_id=""),
    )
    with_order, without_order = parse_settlement(content).lines
    assert with_order.is_order_amount
    assert without_order.kind == WITHHELD_TAX
    assert not without_order.is_order_amount


def test_refunded_withheld_tax_counts_toward_the_refund():
    content = report(
        summary(total="0.00"),
        line("119.00"),
        line("-19.00", "Order", "ItemWithheldTax", "MarketplaceFacilitatorVAT-Principal"),
        line("-15.00", "Order", "ItemFees", "Commission"),
        line("-119.00", "Refund"),
        line("19.00", "Refund", "ItemWithheldTax", "MarketplaceFacilitatorVAT-Principal"),
        line("15.00", "Refund", "ItemFees", "Commission"),
        line("50.00", order_id=OTHER_ORDER),
        line("-50.00", "A-to-z Guarantee Refund", order_id=OTHER_ORDER),
    )
    settlement = parse_settlement(content)
    assert settlement.order_totals() == {ORDER: Decimal("100.00"), OTHER_ORDER: Decimal("50.00")}
    assert settlement.refund_totals() == {ORDER: Decimal("-100.00"), OTHER_ORDER: Decimal("-50.00")}
    assert settlement.difference == 0


# Numbers and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("1234.56", None, "1234.56"),
        ("-1234.56", None, "-1234.56"),
        ("1,234.56", None, "1234.56"),
        ("1234,56", None, "1234.56"),
        ("1.234,56", None, "1234.56"),
        ("1 234,56", None, "1234.56"),
        ("1\u00a0234,56", None, "1234.56"),
        ("  -95,00 ", None, "-95.00"),
        ("- 12.5", None, "-12.5"),
        ("+7", None, "7"),
        ("\u22122,50", None, "-2.50"),
        ("1.234.567", None, "1234567"),
        ("1,234,567.89", None, "1234567.89"),
        ("12,34,567.00", None, "1234567.00"),
        ("0,125", None, "0.125"),
        ("1.2345", None, "1.2345"),
        ("1 234.567", None, "1234.567"),
        ("1,234", False, "1234"),
        ("1,234", True, "1.234"),
        ("1.234", True, "1234"),
        ("1.234", False, "1.234"),
        ("12,50", False, "12.50"),
        ("0", None, "0"),
    ],
)
def test_parse_amount(text, decimal_comma, expected):
    assert parse_amount(text, decimal_comma) == Decimal(expected)
    assert str(parse_amount(text, decimal_comma)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "-",
        "abc",
        "12.",
        "1,2,3",
        "1.234,5.6",
        "1.23.456",
        "1.234.56",
        "12 34",
        "1e5",
        "1,,2",
    ],
)
def test_parse_amount_refuses_what_is_not_an_amount(text):
    with pytest.raises(AmazonDocumentError, match="not an amount"):
        parse_amount(text, False)


@pytest.mark.parametrize("text", ["1,234", "1.234", "-12.500"])
def test_parse_amount_ambiguous_without_a_hint(text):
    with pytest.raises(AmazonDocumentError, match="ambiguous amount"):
        parse_amount(text, None)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2026-06-16 00:00:00 UTC", True, datetime(2026, 6, 16)),
        ("2026-06-16T00:00:00+00:00", True, datetime(2026, 6, 16)),
        ("2025-08-14T06:23:59+00:00", True, datetime(2025, 8, 14, 6, 23, 59)),
        ("2025-08-14T06:23:59+02:00", True, datetime(2025, 8, 14, 4, 23, 59)),
        ("2025-08-14T06:23:59.250Z", True, datetime(2025, 8, 14, 6, 23, 59, 250000)),
        ("2026-06-16 23:00:00 GMT-0130", True, datetime(2026, 6, 17, 0, 30)),
        ("2026/06/16", True, datetime(2026, 6, 16)),
        ("16.06.2026 00:00:00 UTC", False, datetime(2026, 6, 16)),
        ("16.06.2026", True, datetime(2026, 6, 16)),
        ("1.6.26", False, datetime(2026, 6, 1)),
        ("06/16/2026", True, datetime(2026, 6, 16)),
        ("16/06/2026", False, datetime(2026, 6, 16)),
        ("09/06/25", True, datetime(2025, 6, 9)),
        ("09/06/25", False, datetime(2025, 9, 6)),
        ("09/06/25 14:05 UTC", True, datetime(2025, 6, 9, 14, 5)),
        (" 2026-06-16 ", True, datetime(2026, 6, 16)),
    ],
)
def test_parse_date(text, day_first, expected):
    assert parse_date(text, day_first) == expected


@pytest.mark.parametrize(
    "text", ["", "soon", "2026-13-01", "31.02.2026", "13/13/2026", "2026-06-16 25:00", "16-06-2026"]
)
def test_parse_date_refuses_what_is_not_a_date(text):
    with pytest.raises(AmazonDocumentError, match="not a date"):
        parse_date(text)


# Malformed files ----------------------------------------------------------------------------

MISSING_AMOUNT_TYPE = tuple(name for name in HEADER if name != "amount-type")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        ("\r\n  \n\t\n", "empty file"),
        (report(summary(), line("1.00")).split("\n", 1)[1], r"no header row.* at row 1"),
        ("a,b,c\n1,2,3\n", "no header row"),
        (report(summary(), line("1.00"), header=MISSING_AMOUNT_TYPE), "missing column amount-type"),
        (
            report(summary(), header=("settlement-id", "currency")),
            "missing columns total-amount, transaction-type, amount-type",
        ),
        (report(header=(*HEADER, "sku")), "column sku appears twice"),
        (report(), "no summary row"),
        (report(line("1.00"), summary()), r"no summary row: .*\(Order\).* at row 2"),
        (report(summary(settlement_id="")), "missing settlement-id at row 2"),
        (report(summary(currency="")), "missing currency at row 2"),
        (report(summary(total="")), "missing total-amount at row 2"),
        (
            report(summary(total="ten")),
            r"not an amount: 'ten' at row 2, column total-amount",
        ),
        (
            report(summary(), line("1.00"), line("1.00", settlement_id="99999999999")),
            r"settlement-id 99999999999 in a report of settlement 11111111111 at row 4",
        ),
        (
            report(summary(), line("1.00", settlement_id="")),
            r"settlement-id \(empty\) .* at row 3",
        ),
        (report(summary(), line("1.00", currency="USD")), "amount in USD, .* EUR at row 3"),
        (
            report(summary(), line("1.00"), line("1,0O")),
            r"not an amount: '1,0O' at row 4, column amount",
        ),
        (report(summary(), line("")), "missing amount at row 3, column amount"),
        (
            report(summary(deposit_date="2026-06-31 00:00:00 UTC")),
            r"not a date: '2026-06-31 00:00:00 UTC' at row 2, column deposit-date",
        ),
        (
            report(summary(settlement_start_date="yesterday")),
            "at row 2, column settlement-start-date",
        ),
        (
            report(summary(), line("1.00", posted_date_time="soon")),
            "not a date: 'soon' at row 3, column posted-date-time",
        ),
        (
            report(summary(), line("1.00", quantity_purchased="1.5")),
            "not a quantity: '1.5' at row 3, column quantity-purchased",
        ),
        (
            report(summary()) + "\t" * len(HEADER) + "surprise\n",
            "25 cells, the header has 24 columns at row 3",
        ),
        (bytearray(b"\x1f\x8b\x08\x00"), "gzip-compressed"),
    ],
)
def test_malformed_reports_are_clear_errors(content, message):
    with pytest.raises(AmazonDocumentError, match=message):
        parse_settlement(content)


def test_not_a_document_at_all():
    with pytest.raises(AmazonDocumentError, match="expected bytes or text, not dict"):
        parse_settlement({"settlement-id": "1"})
