"""Vendor Invoices v1: submitInvoices processed to Success or Failure by Amazon's rules
(against what was acknowledged and confirmed shipped), credit notes; rate limits and faults."""

import copy
from datetime import timedelta

import pytest
from emulator_support import (
    INVOICES_PATH,
    NOW,
    SELLER,
    TRANSACTIONS_PATH,
    acknowledge,
    all_invoiced,
    confirm,
    error_codes,
    invoice_item,
    iso,
    rate_limited,
    sample_acknowledgement,
    sample_purchase_order,
    settle,
    shipment_confirmation,
    shipped_item,
    submit_vendor,
    vendor_invoice,
)

from amazon_emulator.ratelimit import USAGE_PLANS

SELLER_ID = SELLER["seller_id"]
TAX = [{"taxType": "ST", "taxRate": "8", "taxAmount": {"currencyCode": "USD", "amount": "12.88"}}]


def confirmed(api, *confirmations):
    assert settle(api, confirm(api, *confirmations))["status"] == "Success"


@pytest.fixture
def shipped(emulator, api):
    """PO000001 (`sample_purchase_order`) accepted and shipped whole: 10 mugs at 12.50, 12
    glasses at 3.00."""
    acknowledge(emulator, api)
    confirmed(api, shipment_confirmation())
    return "PO000001"


def invoice(api, *invoices):
    return submit_vendor(api, INVOICES_PATH, "invoices", *invoices)


# Success


def test_an_invoice_of_what_was_shipped_is_taken(emulator, api, clock, shipped):
    transaction_id = invoice(api, vendor_invoice())

    (received,) = emulator.vendor_invoices(SELLER_ID)
    assert (received["status"], received["items"]) == ("Processing", None)
    clock.advance(minutes=4)
    assert settle(api, transaction_id)["status"] == "Success"

    (taken,) = emulator.vendor_invoices(SELLER_ID)
    assert taken["status"] == "Success"
    assert (taken["invoice_id"], taken["invoice_type"]) == ("INV0001", "Invoice")
    assert taken["purchase_order_numbers"] == ["PO000001"]
    assert taken["processed"] == NOW + timedelta(minutes=4)
    assert taken["invoice"] == vendor_invoice()
    assert taken["items"] == [
        {
            "purchase_order_number": "PO000001",
            "item_sequence_number": "1",
            "invoice_item_sequence_number": 1,
            "amazon_product_identifier": "B000MUG001",
            "vendor_product_identifier": "MUG-1",
            "invoiced": 10,
            "net_cost": "12.50",
            "net_amount": "125.00",
        },
        {
            "purchase_order_number": "PO000001",
            "item_sequence_number": "2",
            "invoice_item_sequence_number": 2,
            "amazon_product_identifier": "B000GLS006",
            "vendor_product_identifier": "GLASS-6",
            "invoiced": 12,
            "net_cost": "3.00",
            "net_amount": "36.00",
        },
    ]
    (transaction,) = [t for t in emulator.vendor_transactions(SELLER_ID) if t["kind"] == KIND]
    assert transaction["subjects"] == ["PO000001"]


KIND = "submitInvoices"


def test_partial_invoices_then_the_rest(emulator, api, shipped):
    first = vendor_invoice("INV0001", [invoice_item(1, 4, "12.50")], total="50.00")
    rest = vendor_invoice(
        "INV0002",
        [invoice_item(1, 6, "12.50"), invoice_item(2, 12, "3.00")],
        total="111.00",
    )
    more = vendor_invoice("INV0003", [invoice_item(1, 1, "12.50")], total="12.50")

    statuses = [settle(api, invoice(api, body)) for body in (first, rest, more)]

    assert [s["status"] for s in statuses] == ["Success", "Success", "Failure"]
    assert statuses[2]["errors"][0]["code"] == "QUANTITY_EXCEEDS_SHIPPED"
    assert statuses[2]["errors"][0]["details"] == (
        "invoice INV0003: purchaseOrderNumber PO000001, item 1: 1 eaches invoiced, 0 left of 10 "
        "shipped (10 invoiced before)"
    )


def test_only_what_was_confirmed_shipped_may_be_invoiced(emulator, api):
    acknowledge(emulator, api)
    confirmed(api, shipment_confirmation(items=[shipped_item("1", 4)]))

    mugs = vendor_invoice(items=[invoice_item(1, 5, "12.50")], total="62.50")
    glasses = vendor_invoice(items=[invoice_item(2, 1, "3.00")], total="3.00")

    assert error_codes(settle(api, invoice(api, mugs))) == ["QUANTITY_EXCEEDS_SHIPPED"]
    assert error_codes(settle(api, invoice(api, glasses))) == ["QUANTITY_EXCEEDS_SHIPPED"]
    mugs["items"][0]["invoicedQuantity"]["amount"] = 4
    assert settle(api, invoice(api, mugs | {"invoiceTotal": {"amount": "50.00"}}))["status"] == (
        "Success"
    )


def test_invoices_of_one_submission_add_up(emulator, api, shipped):
    half = [invoice_item(1, 6, "12.50")]

    failed = settle(
        api,
        invoice(
            api,
            vendor_invoice("INV0001", half, total="75.00"),
            vendor_invoice("INV0002", copy.deepcopy(half), total="75.00"),
        ),
    )

    assert error_codes(failed) == ["QUANTITY_EXCEEDS_SHIPPED"]
    assert "invoice INV0002" in failed["errors"][0]["details"]
    assert [r["status"] for r in emulator.vendor_invoices(SELLER_ID)] == ["Failure", "Failure"]


def with_everything():
    """161.00 net + 12.88 tax + 20.00 freight - 5.00 discount."""
    return vendor_invoice(
        total="188.88",
        taxDetails=TAX,
        chargeDetails=[
            {"type": "Freight", "chargeAmount": {"currencyCode": "USD", "amount": "20.00"}}
        ],
        allowanceDetails=[
            {"type": "Discount", "allowanceAmount": {"currencyCode": "USD", "amount": "5.00"}}
        ],
    )


def with_item_taxes():
    """161.00 net + 10.00 + 2.88 taxed per item."""
    items = all_invoiced()
    items[0]["taxDetails"] = [{"taxType": "ST", "taxAmount": {"amount": "10.00"}}]
    items[1]["taxDetails"] = [{"taxType": "ST", "taxAmount": {"amount": "2.88"}}]
    return vendor_invoice(items=items, total="173.88")


def with_taxed_charge():
    """161.00 net + 10.00 freight taxed 0.80."""
    charge = {
        "type": "Freight",
        "chargeAmount": {"currencyCode": "USD", "amount": "10.00"},
        "taxDetails": [{"taxType": "ST", "taxAmount": {"amount": "0.80"}}],
    }
    return vendor_invoice(total="171.80", chargeDetails=[charge])


@pytest.mark.parametrize("build", [with_everything, with_item_taxes, with_taxed_charge])
def test_taxes_charges_and_allowances_make_the_total(emulator, api, shipped, build):
    assert settle(api, invoice(api, build()))["status"] == "Success"


@pytest.mark.parametrize("total", ["161.01", "160.99", "161.005"])
def test_the_total_may_be_a_cent_off(emulator, api, shipped, total):
    assert settle(api, invoice(api, vendor_invoice(total=total)))["status"] == "Success"


def test_the_acknowledged_net_cost_is_the_one_to_invoice(emulator, api):
    acknowledge(emulator, api, ack=sample_acknowledgement(mug_cost="12.00"))
    confirmed(api, shipment_confirmation())
    items = all_invoiced()

    at_order_cost = settle(api, invoice(api, vendor_invoice(items=items)))
    items[0]["netCost"]["amount"] = "12.00"
    at_acknowledged_cost = settle(api, invoice(api, vendor_invoice(items=items, total="156.00")))

    assert error_codes(at_order_cost) == ["INVALID_NET_COST"]
    assert at_order_cost["errors"][0]["details"] == (
        "invoice INV0001, items[0]: purchaseOrderNumber PO000001, item 1: netCost 12.50 USD, "
        "the order's is 12.00 USD"
    )
    assert at_acknowledged_cost["status"] == "Success"


def test_items_priced_by_weight_cost_their_weight(emulator, api, shipped):
    item = invoice_item(1, 10, "2.00", netCostUnitOfMeasure="POUNDS")
    item["invoicedQuantity"]["totalWeight"] = {"unitOfMeasure": "POUNDS", "amount": "6.25"}
    item["netCost"]["amount"] = "12.50"

    done = settle(api, invoice(api, vendor_invoice(items=[item], total="78.13")))

    assert done["status"] == "Success"  # 12.50 x 6.25 lb = 78.125
    assert emulator.vendor_invoices(SELLER_ID)[0]["items"][0]["net_amount"] == "78.1250"


def test_a_credit_note_needs_no_purchase_order(emulator, api, shipped):
    credit = vendor_invoice(
        "CN0001",
        [invoice_item(1, 2, "12.50", number=None, vendorProductIdentifier="MUG-1")],
        total="25.00",
        invoice_type="CreditNote",
    )

    assert settle(api, invoice(api, credit))["status"] == "Success"
    assert emulator.vendor_invoices(SELLER_ID)[0]["items"] == []
    assert settle(api, invoice(api, vendor_invoice()))["status"] == "Success"


def test_a_credit_note_naming_an_order_needs_its_item(emulator, api, shipped):
    credit = vendor_invoice(
        "CN0001", [invoice_item(3, 1, "1.00")], total="1.00", invoice_type="CreditNote"
    )

    assert error_codes(settle(api, invoice(api, credit))) == ["INVALID_ITEM"]


def test_a_failed_invoice_leaves_its_id_free(emulator, api, shipped):
    failed = settle(api, invoice(api, vendor_invoice(total="1.00")))

    assert failed["status"] == "Failure"
    assert settle(api, invoice(api, vendor_invoice()))["status"] == "Success"


# Failure rules


def other_items(number="ZZ999999"):
    return {"items": all_invoiced(number)}


def with_item(index, **changes):
    items = all_invoiced()
    for name, value in changes.items():
        if value is None:
            items[index].pop(name)
        else:
            items[index][name] = value
    return {"items": items}


INVOICE_FAILURES = {
    "unknown order": (other_items(), ["INVALID_ORDER_ID"]),
    "no order number": (with_item(0, purchaseOrderNumber=None), ["MISSING_PURCHASE_ORDER"]),
    "no items": ({"items": [], "total": "0"}, ["MISSING_ITEMS"]),
    "item not on the order": (
        with_item(0, itemSequenceNumber=3, amazonProductIdentifier=None),
        ["INVALID_ITEM"],
    ),
    "other product": (with_item(0, amazonProductIdentifier="B000NONE01"), ["INVALID_ITEM"]),
    "zero quantity": (
        with_item(0, invoicedQuantity={"amount": 0, "unitOfMeasure": "Eaches"}),
        ["INVALID_QUANTITY", "INVALID_TOTAL"],
    ),
    "more cases than shipped": (
        with_item(1, invoicedQuantity={"amount": 3, "unitOfMeasure": "Cases"}),
        ["QUANTITY_EXCEEDS_SHIPPED", "INVALID_TOTAL"],
    ),
    "net cost below the order's": (
        {**with_item(0, netCost={"currencyCode": "USD", "amount": "12.49"}), "total": "160.90"},
        ["INVALID_NET_COST"],
    ),
    "net cost above the order's": (
        {**with_item(0, netCost={"currencyCode": "USD", "amount": "12.60"}), "total": "162.00"},
        ["INVALID_NET_COST"],
    ),
    "net cost in another currency": (
        with_item(0, netCost={"currencyCode": "EUR", "amount": "12.50"}),
        ["INVALID_NET_COST"],
    ),
    "zero net cost": (
        {**with_item(0, netCost={"currencyCode": "USD", "amount": "0"}), "total": "36.00"},
        ["INVALID_NET_COST"],
    ),
    "total two cents off": ({"total": "161.02"}, ["INVALID_TOTAL"]),
    "total without taxes": ({"taxDetails": TAX}, ["INVALID_TOTAL"]),
    "remit to another party": ({"remit_to": "VNDR9"}, ["INVALID_REMIT_TO_PARTY"]),
    "dated before the order": ({"date": iso(NOW - timedelta(days=2))}, ["INVALID_INVOICE_DATE"]),
}


@pytest.mark.parametrize(("changes", "codes"), INVOICE_FAILURES.values(), ids=INVOICE_FAILURES)
def test_invoices_breaking_amazons_rules_fail(emulator, api, shipped, changes, codes):
    failed = settle(api, invoice(api, vendor_invoice(**changes)))

    assert failed["status"] == "Failure"
    assert error_codes(failed) == codes
    assert all(error["message"] and error["details"] for error in failed["errors"])
    assert all(error["details"].startswith("invoice INV0001") for error in failed["errors"])
    (record,) = emulator.vendor_invoices(SELLER_ID)
    assert (record["status"], record["errors"], record["items"]) == (
        "Failure",
        failed["errors"],
        None,
    )
    assert settle(api, invoice(api, vendor_invoice()))["status"] == "Success"  # nothing used


def test_the_total_failure_tells_how_amazon_added_it_up(emulator, api, shipped):
    failed = settle(api, invoice(api, vendor_invoice(total="170.00", taxDetails=TAX)))

    assert failed["errors"][0]["details"] == (
        "invoice INV0001: invoiceTotal 170.00, the items make 161.00 net, 12.88 taxes, 0 "
        "charges, 0 allowances: 173.88"
    )


def test_an_invoice_id_is_used_once(emulator, api, shipped):
    first = vendor_invoice("INV0001", [invoice_item(1, 1, "12.50")], total="12.50")
    settle(api, invoice(api, first))

    again = settle(api, invoice(api, first))
    second = {**first, "id": "INV0002"}
    twice = settle(api, invoice(api, second, copy.deepcopy(second)))

    assert error_codes(again) == ["DUPLICATE_INVOICE_ID"]
    assert again["errors"][0]["details"].startswith("invoice INV0001: taken ")
    assert error_codes(twice) == ["DUPLICATE_INVOICE_ID"]


def test_a_credit_note_id_is_an_invoice_id(emulator, api, shipped):
    credit = vendor_invoice(
        "INV0001",
        [invoice_item(1, 1, "12.50", number=None)],
        total="12.50",
        invoice_type="CreditNote",
    )
    settle(api, invoice(api, credit))

    assert error_codes(settle(api, invoice(api, vendor_invoice()))) == ["DUPLICATE_INVOICE_ID"]


def test_an_unshipped_order_cannot_be_invoiced(emulator, api):
    emulator.add_purchase_order(SELLER_ID, sample_purchase_order())

    failed = settle(api, invoice(api, vendor_invoice()))

    assert error_codes(failed) == ["QUANTITY_EXCEEDS_SHIPPED", "QUANTITY_EXCEEDS_SHIPPED"]


def test_the_owner_can_fail_the_next_invoice(emulator, api, shipped):
    emulator.fail_next_vendor_transaction("PO000001", "InternalFailure", "Try again later.")

    failed = settle(api, invoice(api, vendor_invoice()))

    assert failed["errors"] == [{"code": "InternalFailure", "message": "Try again later."}]
    assert settle(api, invoice(api, vendor_invoice()))["status"] == "Success"


def test_amazons_sandbox_invoice_is_taken_then_fails(emulator, api):
    sandbox = {
        "id": "TestInvoice202",
        "date": "2020-06-08T12:00:00.000Z",
        "billToParty": {"partyId": "TES1"},
        "invoiceType": "Invoice",
        "remitToParty": {"partyId": "ABCDE"},
        "invoiceTotal": {"amount": "112.05", "currencyCode": "USD"},
    }

    failed = settle(api, invoice(api, sandbox))

    assert error_codes(failed) == ["MISSING_ITEMS", "INVALID_TOTAL"]


@pytest.mark.contract_violations_expected
def test_amazons_sandbox_refusal_breaks_the_model(emulator, api):
    response = api.send("POST", INVOICES_PATH, {"invoices": [{"invoiceType": "Invoic"}]})

    assert response.status_code == 400
    messages = " ".join(error["message"] for error in response.json()["errors"])
    assert "'Invoic' is not one of ['Invoice', 'CreditNote']" in messages
    assert emulator.vendor_invoices(SELLER_ID) == []


@pytest.mark.parametrize("body", [{}, {"invoices": []}])
def test_a_submission_without_invoices_is_invalid_input(emulator, api, body):
    response = api.send("POST", INVOICES_PATH, body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    assert emulator.vendor_invoices(SELLER_ID) == []


def test_reset_forgets_invoices(emulator, api, shipped):
    settle(api, invoice(api, vendor_invoice()))

    emulator.reset()
    emulator.add_seller(**SELLER)

    assert emulator.vendor_invoices(SELLER_ID) == []


# Rate limits and faults


def test_invoice_replies_tell_their_usage_plan(emulator, api):
    reply = api.send("POST", INVOICES_PATH, {"invoices": [vendor_invoice()]})

    assert reply.status_code == 202
    assert reply.headers["x-amzn-RateLimit-Limit"] == "10"
    assert (USAGE_PLANS[KIND].rate, USAGE_PLANS[KIND].burst) == (10, 10)
    transaction_id = reply.json()["payload"]["transactionId"]
    assert api.get(f"{TRANSACTIONS_PATH}/{transaction_id}").status_code == 200


def test_submit_invoices_bursts_ten_then_throttles(http):
    with rate_limited(http) as (amazon, api, clock):
        body = {"invoices": [vendor_invoice()]}

        statuses = [api.send("POST", INVOICES_PATH, body).status_code for _ in range(11)]
        clock.advance(0.1)
        then = api.send("POST", INVOICES_PATH, body).status_code

        amazon.assert_contract_clean()
    assert statuses == [202] * 10 + [429]
    assert then == 202


def test_injected_faults_reach_submit_invoices(emulator, api, shipped):
    emulator.inject_fault("throttle", KIND, retry_after=1)
    emulator.inject_fault("server_error", KIND, status=503)
    body = {"invoices": [vendor_invoice()]}

    throttled, failed, then = (api.send("POST", INVOICES_PATH, body) for _ in range(3))

    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "1")
    assert failed.status_code == 503
    assert then.status_code == 202
    assert len(emulator.vendor_invoices(SELLER_ID)) == 1
