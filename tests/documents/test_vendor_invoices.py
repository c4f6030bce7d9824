"""Vendor Invoices API v1 documents: Amazon's own invoice rebuilt from typed values, invoices
and credit notes built as the model's SubmitInvoicesRequest, and what Amazon would refuse
(a total that does not add up first) refused clearly."""

import copy
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from amazon_sp.documents import (
    ALLOWANCE_TYPES,
    CHARGE_TYPES,
    INVOICE_TYPES,
    PAYMENT_TERM_TYPES,
    TAX_TYPES,
    Address,
    AllowanceDetail,
    AmazonDocumentError,
    ChargeDetail,
    CreditNoteDetails,
    InvoiceItem,
    InvoiceRequest,
    InvoiceType,
    Party,
    PaymentTerms,
    TaxDetail,
    TaxType,
    build_invoice_request,
    parse_transaction_id,
)

from .amazon_models import AmazonModel

VENDOR_INVOICES_MODEL = "models/vendor-invoices-api-model/vendorInvoices.json"
VENDOR_INVOICES = AmazonModel(VENDOR_INVOICES_MODEL, "Vendor Invoices examples", "vendorInvoices")
MODEL = VENDOR_INVOICES.name
INVOICES_PATH = "/vendor/payments/v1/invoices"
PO = "2JK3S9VC"
INVOICED = datetime(2026, 3, 4, 10, 0)


# The test data is Amazon's


# The validator is None without the models: the builder tests then check the bodies they
# build, and skip only the schema check (`assert_valid`).
model, validator = VENDOR_INVOICES.fixtures()
schema_checker = VENDOR_INVOICES.schema_checker


def submit_invoices(model):
    return model["paths"][INVOICES_PATH]["post"]


def assert_valid(validator, body):
    """The body is a SubmitInvoicesRequest and a request Amazon's model accepts (the test is
    skipped here without the models, once its other checks passed)."""
    validator = schema_checker(validator)
    assert validator.validate_definition(MODEL, "SubmitInvoicesRequest", body) == []
    raw = json.dumps(body).encode("utf-8")
    assert validator.validate_request("POST", INVOICES_PATH, {}, body=raw) == []


def test_the_constants_are_the_models_enumerations(model):
    definitions = model["definitions"]

    assert tuple(definitions["Invoice"]["properties"]["invoiceType"]["enum"]) == INVOICE_TYPES
    assert tuple(definitions["TaxDetails"]["properties"]["taxType"]["enum"]) == TAX_TYPES
    assert tuple(definitions["PaymentTerms"]["properties"]["type"]["enum"]) == PAYMENT_TERM_TYPES
    assert tuple(definitions["ChargeDetails"]["properties"]["type"]["enum"]) == CHARGE_TYPES
    assert tuple(definitions["AllowanceDetails"]["properties"]["type"]["enum"]) == (ALLOWANCE_TYPES)
    assert (InvoiceType.INVOICE, InvoiceType.CREDIT_NOTE) == ("Invoice", "CreditNote")
    assert TaxType.MWST == "MwSt."


def party(raw):
    """A Party from one of Amazon's PartyIdentification examples."""
    address = raw.get("address")
    registrations = raw.get("taxRegistrationDetails") or [{}]
    return Party(
        party_id=raw["partyId"],
        address=None
        if address is None
        else Address(
            name=address["name"],
            company="",
            street=address["addressLine1"],
            street2=address.get("addressLine2", ""),
            city=address.get("city", ""),
            state=address.get("stateOrRegion", ""),
            zip=address.get("postalOrZipCode", ""),
            # Amazon's example writes "USA": its own schema takes 2 characters (ISO alpha-2).
            country_code=address["countryCode"][:2],
            phone="",
        ),
        tax_registration=registrations[0].get("taxRegistrationNumber", ""),
        tax_registration_type=registrations[0].get("taxRegistrationType", ""),
    )


def taxes(raw):
    return tuple(
        TaxDetail(
            tax["taxType"],
            Decimal(tax["taxAmount"]["amount"]),
            rate=Decimal(tax["taxRate"]),
            taxable_amount=Decimal(tax["taxableAmount"]["amount"]),
        )
        for tax in raw.get("taxDetails", ())
    )


def charges(raw):
    return tuple(
        ChargeDetail(
            charge["type"],
            Decimal(charge["chargeAmount"]["amount"]),
            description=charge["description"],
            tax_details=taxes(charge),
        )
        for charge in raw.get("chargeDetails", ())
    )


def test_amazons_example_invoice_is_rebuilt(model, validator):
    """Amazon's request example, from typed values. It adds up, by the rule applied here:
    items 2 x 21060.34 + 3 x 58915.25 = 218866.43, plus its taxes 2 x 19697.98, plus its
    freight 1200.00 and the freight's taxes 2 x 108.00 = 259678.39. The body is Amazon's but
    for the "payload" it is wrapped in (not the request's shape), the country codes ("USA"
    against its own schema's 2 characters), an empty addressLine2 (not written) and the
    date (to the second)."""
    example = submit_invoices(model)["parameters"][0]["schema"]["example"]
    (raw,) = example["payload"]["invoices"]
    terms = raw["paymentTerms"]
    request = InvoiceRequest(
        invoice_id=raw["id"],
        date=datetime.fromisoformat(raw["date"].replace("Z", "+00:00")),
        currency=raw["invoiceTotal"]["currencyCode"],
        total=Decimal(raw["invoiceTotal"]["amount"]),
        remit_to=party(raw["remitToParty"]),
        items=tuple(
            InvoiceItem(
                sequence=str(entry["itemSequenceNumber"]),
                asin=entry["amazonProductIdentifier"],
                vendor_product_id=entry["vendorProductIdentifier"],
                quantity=entry["invoicedQuantity"]["amount"],
                net_cost=Decimal(entry["netCost"]["amount"]),
                purchase_order_number=entry["purchaseOrderNumber"],
                unit_of_measure=entry["invoicedQuantity"]["unitOfMeasure"],
                tax_details=taxes(entry),
                hsn_code=entry.get("hsnCode", ""),
                charges=charges(entry),
            )
            for entry in raw["items"]
        ),
        bill_to=party(raw["billToParty"]),
        ship_to_party_id=raw["shipToParty"]["partyId"],
        ship_from=party(raw["shipFromParty"]),
        tax_details=taxes(raw),
        payment_terms=PaymentTerms(
            terms["type"],
            net_due_days=terms["netDueDays"],
            discount_percent=Decimal(terms["discountPercent"]),
            discount_due_days=terms["discountDueDays"],
        ),
        charges=charges(raw),
    )

    body = build_invoice_request([request])

    expected = copy.deepcopy(example["payload"])
    invoice = expected["invoices"][0]
    invoice["date"] = "2019-07-24T21:17:59Z"
    for key in ("remitToParty", "shipToParty", "shipFromParty", "billToParty"):
        invoice[key]["address"]["countryCode"] = "US"
    del invoice["billToParty"]["address"]["addressLine2"]
    # The ship-to party of an invoice is Amazon's warehouse, named by its id alone.
    invoice["shipToParty"] = {"partyId": raw["shipToParty"]["partyId"]}
    assert body == expected
    assert_valid(validator, body)
    problems = schema_checker(validator).validate_definition(
        MODEL, "SubmitInvoicesRequest", example["payload"]
    )
    assert problems == [
        f"SubmitInvoicesRequest at invoices[0].{key}.address.countryCode: 'USA' is too long"
        for key in ("billToParty", "remitToParty", "shipFromParty", "shipToParty")
    ]


def test_amazons_sandbox_invoice_has_no_items_and_is_refused(model, validator):
    """Amazon's sandbox invoice "TestInvoice202" has no items: the builder refuses it (nothing
    says what its 112.05 is for). With an item making up its total it builds."""
    case = submit_invoices(model)["responses"]["202"]["x-amzn-api-sandbox"]["static"][0]
    (raw,) = case["request"]["parameters"]["body"]["value"]["invoices"]
    request = InvoiceRequest(
        invoice_id=raw["id"],
        date=datetime.fromisoformat(raw["date"].replace("Z", "+00:00")),
        currency=raw["invoiceTotal"]["currencyCode"],
        total=Decimal(raw["invoiceTotal"]["amount"]),
        remit_to=Party(raw["remitToParty"]["partyId"]),
        items=(),
        bill_to=Party(raw["billToParty"]["partyId"]),
        invoice_type=raw["invoiceType"],
    )

    refused("an invoice without items at TestInvoice202", request)
    item = invoice_item(quantity=9, net_cost=Decimal("12.45"))
    body = build_invoice_request([invoice(item, invoice_id=raw["id"], total=Decimal("112.05"))])
    assert body["invoices"][0]["invoiceTotal"] == raw["invoiceTotal"]
    assert_valid(validator, body)
    assert parse_transaction_id(case["response"]) == (
        "20190904171225-e1275c33-d75b-4bfe-b95c-15a9abfc09cc"
    )


def test_amazons_refused_sandbox_invoice_is_refused_here_too(model):
    """Amazon's 400 sandbox case sends invoiceType "Invoic"; Amazon answers InvalidInput."""
    case = submit_invoices(model)["responses"]["400"]["x-amzn-api-sandbox"]["static"][0]
    (raw,) = case["request"]["parameters"]["body"]["value"]["invoices"]

    refused(
        "invoice type 'Invoic' is not one of Amazon's: Invoice, CreditNote at INV-2026-0001",
        invoice(invoice_type=raw["invoiceType"]),
    )
    with pytest.raises(AmazonDocumentError, match="InvalidInput: Value 'Invoic' is not valid"):
        parse_transaction_id(case["response"])


def test_amazons_202_example_gives_the_transaction_id(model):
    example = submit_invoices(model)["responses"]["202"]["examples"]["application/json"]

    assert parse_transaction_id(example) == "20190904171225-e1275c33-d75b-4bfe-b95c-15a9abfc09cc"


# Invoices


def address(**changes):
    values = {
        "name": "ACME Housewares",
        "company": "",
        "street": "1 Main Street",
        "street2": "Suite 4",
        "city": "Seattle",
        "state": "WA",
        "zip": "98101",
        "country_code": "US",
        "phone": "+1 206 555 0100",
    }
    values.update(changes)
    return Address(**values)


REMIT_TO = Party("VEND1", address())


def invoice_item(sequence="1", **changes):
    values = {
        "sequence": sequence,
        "asin": "B000MUG001",
        "vendor_product_id": "MUG-1",
        "quantity": 10,
        "net_cost": Decimal("12.50"),
        "purchase_order_number": PO,
    }
    values.update(changes)
    return InvoiceItem(**values)


def invoice(*items, **changes):
    values = {
        "invoice_id": "INV-2026-0001",
        "date": INVOICED,
        "currency": "USD",
        "total": Decimal("125.00"),
        "remit_to": REMIT_TO,
        "items": items or (invoice_item(),),
    }
    values.update(changes)
    return InvoiceRequest(**values)


def refused(message, *invoices):
    with pytest.raises(AmazonDocumentError) as raised:
        build_invoice_request(invoices)
    assert message in str(raised.value)
    assert str(raised.value).startswith("vendor invoice: ")
    return raised.value


def test_an_invoice_without_taxes_is_a_valid_request(validator):
    body = build_invoice_request([invoice()])

    assert body == {
        "invoices": [
            {
                "invoiceType": "Invoice",
                "id": "INV-2026-0001",
                "date": "2026-03-04T10:00:00Z",
                "remitToParty": {
                    "partyId": "VEND1",
                    "address": {
                        "name": "ACME Housewares",
                        "addressLine1": "1 Main Street",
                        "addressLine2": "Suite 4",
                        "city": "Seattle",
                        "stateOrRegion": "WA",
                        "postalOrZipCode": "98101",
                        "countryCode": "US",
                        "phone": "+1 206 555 0100",
                    },
                },
                "invoiceTotal": {"currencyCode": "USD", "amount": "125.00"},
                "items": [
                    {
                        "itemSequenceNumber": 1,
                        "amazonProductIdentifier": "B000MUG001",
                        "vendorProductIdentifier": "MUG-1",
                        "invoicedQuantity": {"amount": 10, "unitOfMeasure": "Eaches"},
                        "netCost": {"currencyCode": "USD", "amount": "12.50"},
                        "purchaseOrderNumber": PO,
                    }
                ],
            }
        ]
    }
    assert_valid(validator, body)


def test_an_invoice_with_its_taxes_parties_and_terms(validator):
    """As the Odoo exporter sends them: each item's tax on its line, the invoice's taxes by
    rate (the ones the total counts), bill-to and ship-to parties, net due days."""
    vat = TaxDetail("VAT", Decimal("25.00"), rate=Decimal("20.0"), taxable_amount=Decimal("125.00"))
    body = build_invoice_request(
        [
            invoice(
                invoice_item(tax_details=(vat,)),
                invoice_item(
                    "002",
                    quantity=3,
                    net_cost=Decimal("0.125"),
                    asin="",
                    tax_details=(TaxDetail("VAT", Decimal("0.08"), rate=Decimal(20)),),
                ),
                currency="EUR",
                total=Decimal("150.46"),
                tax_details=(
                    TaxDetail(
                        "VAT",
                        Decimal("25.08"),
                        rate=Decimal("20.0"),
                        taxable_amount=Decimal("125.38"),
                    ),
                ),
                bill_to=Party(
                    "AMZN-EU",
                    address(name="Amazon EU SARL", street2="", phone=""),
                    "LU20260743",
                    "VAT",
                ),
                ship_to_party_id="XFRA",
                ship_from=Party("WH01", address(company="ACME", name="")),
                payment_terms=PaymentTerms(net_due_days=60),
                reference_number="2JK3S9VC, 3TRD2IAB",
            )
        ]
    )

    (sent,) = body["invoices"]
    # 10 x 12.50 + 3 x 0.125 (0.375, rounded half up: 0.38) + 25.08 of taxes = 150.46
    assert sent["invoiceTotal"] == {"currencyCode": "EUR", "amount": "150.46"}
    assert sent["taxDetails"] == [
        {
            "taxType": "VAT",
            "taxRate": "20.0",
            "taxAmount": {"currencyCode": "EUR", "amount": "25.08"},
            "taxableAmount": {"currencyCode": "EUR", "amount": "125.38"},
        }
    ]
    assert sent["items"][1]["itemSequenceNumber"] == 2
    assert sent["items"][1]["netCost"] == {"currencyCode": "EUR", "amount": "0.125"}
    assert "amazonProductIdentifier" not in sent["items"][1]
    assert sent["billToParty"]["taxRegistrationDetails"] == [
        {"taxRegistrationType": "VAT", "taxRegistrationNumber": "LU20260743"}
    ]
    assert sent["shipToParty"] == {"partyId": "XFRA"}
    assert sent["shipFromParty"]["address"]["name"] == "ACME"
    assert sent["paymentTerms"] == {"type": "Basic", "netDueDays": 60}
    assert sent["referenceNumber"] == "2JK3S9VC, 3TRD2IAB"
    assert_valid(validator, body)


def test_without_invoice_taxes_the_items_taxes_are_counted(validator):
    body = build_invoice_request(
        [
            invoice(
                invoice_item(
                    tax_details=(TaxDetail("ST", Decimal("10.94"), rate=Decimal("8.75")),)
                ),
                invoice_item("2", tax_details=(TaxDetail("ST", Decimal("10.94")),)),
                total=Decimal("271.88"),
            )
        ]
    )

    assert "taxDetails" not in body["invoices"][0]
    assert body["invoices"][0]["items"][0]["taxDetails"][0]["taxRate"] == "8.75"
    assert_valid(validator, body)


def test_cases_weights_charges_and_allowances_add_up(validator):
    """2 cases of 6 at 3.25 = 39.00; 1.5 pounds at 8.00 = 12.00; freight 10.00 with 2.00 of
    tax; a 5.00 discount: 39.00 + 12.00 + 10.00 + 2.00 - 5.00 = 58.00."""
    body = build_invoice_request(
        [
            invoice(
                invoice_item(quantity=2, unit_of_measure="Cases", unit_size=6, net_cost="3.25"),
                invoice_item(
                    "2",
                    quantity=1,
                    unit_of_measure="Cases",
                    unit_size=4,
                    net_cost=8,
                    cost_unit_of_measure="POUNDS",
                    total_weight=Decimal("1.5"),
                    hsn_code="76.06.92.99.00",
                ),
                total=Decimal("58"),
                charges=(
                    ChargeDetail(
                        "Freight", Decimal(10), "Freight", (TaxDetail("VAT", Decimal("2.00")),)
                    ),
                ),
                allowances=(AllowanceDetail("Discount", Decimal(5), "Early payment"),),
                payment_terms=PaymentTerms(
                    "EndOfMonth",
                    net_due_days=30,
                    discount_percent=Decimal("2.5"),
                    discount_due_days=10,
                ),
            )
        ]
    )

    (sent,) = body["invoices"]
    first, second = sent["items"]
    assert first["invoicedQuantity"] == {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6}
    assert second["invoicedQuantity"]["totalWeight"] == {"unitOfMeasure": "POUNDS", "amount": "1.5"}
    assert second["netCostUnitOfMeasure"] == "POUNDS"
    assert second["hsnCode"] == "76.06.92.99.00"
    assert sent["chargeDetails"] == [
        {
            "type": "Freight",
            "description": "Freight",
            "chargeAmount": {"currencyCode": "USD", "amount": "10"},
            "taxDetails": [
                {"taxType": "VAT", "taxAmount": {"currencyCode": "USD", "amount": "2.00"}}
            ],
        }
    ]
    assert sent["allowanceDetails"] == [
        {
            "type": "Discount",
            "description": "Early payment",
            "allowanceAmount": {"currencyCode": "USD", "amount": "5"},
        }
    ]
    assert sent["paymentTerms"] == {
        "type": "EndOfMonth",
        "netDueDays": 30,
        "discountPercent": "2.5",
        "discountDueDays": 10,
    }
    assert sent["invoiceTotal"]["amount"] == "58"
    assert_valid(validator, body)


def test_the_items_charges_count_when_the_invoice_has_none(validator):
    freight = (ChargeDetail("Freight", Decimal("5.00")),)
    body = build_invoice_request(
        [
            invoice(
                invoice_item(charges=freight),
                invoice_item(
                    "2", charges=freight, allowances=(AllowanceDetail("Defective", Decimal(1)),)
                ),
                total=Decimal("259.00"),
            )
        ]
    )

    assert body["invoices"][0]["items"][1]["allowanceDetails"][0]["type"] == "Defective"
    assert_valid(validator, body)


def test_a_credit_note_refers_to_what_it_credits(validator):
    body = build_invoice_request(
        [
            invoice(
                invoice_item(
                    quantity=2,
                    purchase_order_number="",
                    credit_note=CreditNoteDetails(
                        reference_invoice_number="INV-2026-0001",
                        returns_reference_number="RET-77",
                        goods_return_date=datetime(
                            2026, 3, 20, 9, tzinfo=timezone(timedelta(hours=2))
                        ),
                    ),
                ),
                invoice_id="CN-2026-0001",
                invoice_type="CreditNote",
                total=Decimal("25.00"),
            )
        ]
    )

    (item,) = body["invoices"][0]["items"]
    assert "purchaseOrderNumber" not in item
    assert item["creditNoteDetails"] == {
        "referenceInvoiceNumber": "INV-2026-0001",
        "returnsReferenceNumber": "RET-77",
        "goodsReturnDate": "2026-03-20T07:00:00Z",
    }
    assert body["invoices"][0]["invoiceType"] == "CreditNote"
    assert_valid(validator, body)


def test_several_invoices_in_one_request(validator):
    body = build_invoice_request(invoice(invoice_id=f"INV-{n}") for n in range(1, 4))

    assert [entry["id"] for entry in body["invoices"]] == ["INV-1", "INV-2", "INV-3"]
    assert_valid(validator, body)


@pytest.mark.parametrize(
    ("invoices", "message"),
    [
        ((), "vendor invoice: no invoice to send"),
        ((invoice(), invoice()), "the invoice id is used twice in the request at INV-2026-0001"),
        (
            (invoice(invoice_id=""),),
            "invoice id '' is missing: Amazon rejects an invoice without one",
        ),
        ((invoice(invoice_id=None),), "invoice id None is missing"),
        (
            (invoice(invoice_id="INV/2026/0001"),),
            "invoice id 'INV/2026/0001' is not 1 to 20 letters, digits or hyphens",
        ),
        ((invoice(invoice_id="-INV1"),), "invoice id '-INV1' is not 1 to 20"),
        ((invoice(invoice_id="INV 1"),), "invoice id 'INV 1' is not 1 to 20"),
        ((invoice(invoice_id="A" * 21),), "is not 1 to 20 letters, digits or hyphens"),
        (
            (invoice(invoice_type="Invoic"),),
            "invoice type 'Invoic' is not one of Amazon's: Invoice, CreditNote",
        ),
        (
            (invoice(date="2026-03-04"),),
            "invoice date '2026-03-04' is not a datetime at INV-2026-0001",
        ),
        ((invoice(currency="usd"),), "currency 'usd' is not an ISO 4217 code at INV-2026-0001"),
        ((invoice(currency="US$"),), "currency 'US$' is not an ISO 4217 code"),
        (
            (invoice(remit_to=None),),
            "no remit-to party: Amazon pays the party the invoice names at INV-2026-0001",
        ),
        ((invoice(remit_to=Party("")),), "no remit-to party id at INV-2026-0001"),
        (
            (invoice(remit_to=Party("VEND1", address(street=""))),),
            "remit-to party address without a street (addressLine1)",
        ),
        (
            (invoice(remit_to=Party("VEND1", address(country_code="USA"))),),
            "remit-to party address country 'USA' is not an ISO 3166-1 alpha-2 code",
        ),
        (
            (invoice(remit_to=Party("VEND1", tax_registration_type="EIN", tax_registration="1")),),
            "remit-to party tax registration type 'EIN' is not one of Amazon's: VAT, GST",
        ),
        (
            (invoice(bill_to=Party("AMZN", address(name=""))),),
            "bill-to party address without a name",
        ),
        ((invoice(ship_to_party_id=" XFRA"),), "ship-to party id ' XFRA' has surrounding blanks"),
        ((invoice(reference_number=5),), "reference number 5 should be a string"),
        ((invoice(items=()),), "an invoice without items at INV-2026-0001"),
        (
            (invoice(invoice_item(), invoice_item("001")),),
            "item sequence number 1 is used twice at INV-2026-0001",
        ),
        (
            (invoice(invoice_item("A1")),),
            "item sequence number 'A1' is not a whole number >= 1 at INV-2026-0001 items[0]",
        ),
        ((invoice(invoice_item("0")),), "item sequence number '0' is not a whole number >= 1"),
        (
            (invoice(invoice_item(1)),),
            "item sequence number 1 should be a string at INV-2026-0001 items[0]",
        ),
        (
            (invoice(invoice_item(asin="", vendor_product_id="")),),
            "an item with neither ASIN nor vendor product id at INV-2026-0001/1",
        ),
        (
            (invoice(invoice_item(quantity=0)),),
            "quantity 0 is not an integer >= 1 at INV-2026-0001/1",
        ),
        ((invoice(invoice_item(quantity=-3)),), "quantity -3 is not an integer >= 1"),
        (
            (invoice(invoice_item(unit_of_measure="Pallets")),),
            "unit of measure 'Pallets' is not one of Amazon's: Cases, Eaches",
        ),
        (
            (invoice(invoice_item(unit_of_measure="Cases")),),
            "a quantity in Cases needs its unit size (units per case)",
        ),
        ((invoice(invoice_item(unit_size=12)),), "unit size 12 on a quantity in Eaches"),
        (
            (invoice(invoice_item(net_cost=Decimal(0))),),
            "net cost 0 is not above zero at INV-2026-0001/1",
        ),
        ((invoice(invoice_item(net_cost="-12.50")),), "net cost -12.50 is not above zero"),
        ((invoice(invoice_item(net_cost=12.5)),), "net cost 12.5 should be a Decimal, int or str"),
        ((invoice(invoice_item(net_cost="12,50")),), "net cost '12,50' is not a number"),
        (
            (invoice(invoice_item(cost_unit_of_measure="POUNDS")),),
            "an item priced by weight needs its total weight at INV-2026-0001/1",
        ),
        (
            (invoice(invoice_item(total_weight=Decimal(2))),),
            "a total weight without the unit its net cost is priced by",
        ),
        (
            (invoice(invoice_item(cost_unit_of_measure="LITERS", total_weight=1)),),
            "cost unit of measure 'LITERS' is not one of Amazon's: POUNDS, OUNCES, GRAMS, "
            "KILOGRAMS",
        ),
        (
            (invoice(invoice_item(cost_unit_of_measure="GRAMS", total_weight=0)),),
            "total weight 0 is not above zero",
        ),
        (
            (invoice(invoice_item(purchase_order_number="")),),
            "purchase order number '' is not an 8-character alphanumeric code at INV-2026-0001/1",
        ),
        (
            (invoice(invoice_item(purchase_order_number="3DY3-TK6")),),
            "purchase order number '3DY3-TK6' is not an 8-character",
        ),
        (
            (invoice(invoice_item(credit_note=CreditNoteDetails(rma_id="R1"))),),
            "credit note details on an Invoice at INV-2026-0001/1",
        ),
        (
            (invoice(invoice_item(purchase_order_number=""), invoice_type="CreditNote"),),
            "an item of a credit note needs its credit note details at INV-2026-0001/1",
        ),
        (
            (invoice(invoice_item(credit_note=CreditNoteDetails()), invoice_type="CreditNote"),),
            "credit note details without any reference",
        ),
        (
            (
                invoice(
                    invoice_item(
                        credit_note=CreditNoteDetails(rma_id="R1", goods_return_date="2026-03-20")
                    ),
                    invoice_type="CreditNote",
                ),
            ),
            "goods return date '2026-03-20' is not a datetime",
        ),
        (
            (invoice(invoice_item(hsn_code="76A")),),
            "HSN code '76A' contains letters at INV-2026-0001/1",
        ),
        (
            (invoice(invoice_item(tax_details=(TaxDetail("Sales", Decimal(1)),))),),
            "tax type 'Sales' is not one of Amazon's: CGST, SGST",
        ),
        (
            (invoice(invoice_item(tax_details=(TaxDetail("VAT", Decimal(-1)),))),),
            "tax amount -1 is below 0 at INV-2026-0001/1",
        ),
        (
            (invoice(tax_details=(TaxDetail("VAT", Decimal(1), rate=Decimal(120)),)),),
            "tax rate 120 is above 100 (a percentage) at INV-2026-0001",
        ),
        (
            (invoice(tax_details=(TaxDetail("VAT", Decimal(1), rate=Decimal(-5)),)),),
            "tax rate -5 is below 0",
        ),
        (
            (invoice(tax_details=(TaxDetail("VAT", Decimal(1), taxable_amount="-5"),)),),
            "taxable amount -5 is below 0",
        ),
        ((invoice(tax_details=(("VAT", 1),)),), "expected a TaxDetail, not tuple"),
        (
            (invoice(charges=(ChargeDetail("Shipping", Decimal(1)),)),),
            "charge type 'Shipping' is not one of Amazon's: Freight, Packing",
        ),
        (
            (invoice(charges=(ChargeDetail("Freight", Decimal(0)),)),),
            "charge amount 0 is not above zero",
        ),
        (
            (invoice(allowances=(AllowanceDetail("Rebate", Decimal(1)),)),),
            "allowance type 'Rebate' is not one of Amazon's: Discount",
        ),
        (
            (invoice(allowances=(ChargeDetail("Freight", Decimal(1)),)),),
            "expected AllowanceDetail, not ChargeDetail",
        ),
        (
            (invoice(payment_terms=PaymentTerms("Net30")),),
            "payment term type 'Net30' is not one of Amazon's: Basic, EndOfMonth",
        ),
        (
            (invoice(payment_terms=PaymentTerms(net_due_days=-1)),),
            "net due days -1 is not an integer >= 0",
        ),
        (
            (invoice(payment_terms=PaymentTerms(discount_percent=Decimal(2))),),
            "a discount percent goes with its discount due days, and back",
        ),
        (
            (invoice(payment_terms=PaymentTerms(discount_due_days=10)),),
            "a discount percent goes with its discount due days",
        ),
        (
            (
                invoice(
                    payment_terms=PaymentTerms(discount_percent=Decimal(100), discount_due_days=10)
                ),
            ),
            "discount percent 100 is not below 100",
        ),
        (
            (
                invoice(
                    payment_terms=PaymentTerms(discount_percent=Decimal(0), discount_due_days=10)
                ),
            ),
            "discount percent 0 is not above zero",
        ),
        (
            (
                invoice(
                    payment_terms=PaymentTerms(
                        net_due_days=10, discount_percent=Decimal(2), discount_due_days=30
                    )
                ),
            ),
            "the discount is due after 30 days, the invoice after 10",
        ),
        (
            (invoice(total=Decimal(0), items=(invoice_item(),)),),
            "invoice total 0 is not above zero: Amazon refuses it",
        ),
        ((invoice(total=125.0),), "invoice total 125.0 should be a Decimal, int or str"),
        (
            (invoice(total=Decimal("125.01")),),
            "invoice total 125.01 is not the items' net amounts 125.00 plus taxes 0: 125.00 at "
            "INV-2026-0001",
        ),
        (
            (invoice(total=Decimal("124.99")),),
            "invoice total 124.99 is not the items' net amounts 125.00",
        ),
        (
            (invoice(invoice_item(tax_details=(TaxDetail("VAT", Decimal("25.00")),))),),
            "invoice total 125.00 is not the items' net amounts 125.00 plus taxes 25.00: 150.00",
        ),
        (
            (
                invoice(
                    total=Decimal("130"),
                    charges=(ChargeDetail("Freight", Decimal(10)),),
                    allowances=(AllowanceDetail("Discount", Decimal(4)),),
                ),
            ),
            "invoice total 130 is not the items' net amounts 125.00 plus taxes 0 plus charges 10 "
            "less allowances 4: 131.00",
        ),
    ],
)
def test_what_amazon_would_refuse_is_refused_clearly(invoices, message):
    refused(message, *invoices)


def test_invoice_taxes_are_not_added_to_the_items_taxes():
    """The invoice's taxes are the totals of its items': counted once."""
    line_tax = (TaxDetail("VAT", Decimal("25.00")),)
    built = build_invoice_request(
        [
            invoice(
                invoice_item(tax_details=line_tax),
                tax_details=line_tax,
                total=Decimal("150.00"),
            )
        ]
    )
    assert built["invoices"][0]["invoiceTotal"]["amount"] == "150.00"
    refused(
        "plus taxes 25.00: 150.00",
        invoice(invoice_item(tax_details=line_tax), tax_details=line_tax, total=Decimal("175.00")),
    )


def test_lines_are_rounded_half_up_to_the_cent_before_they_are_added():
    # 3 x 0.125 = 0.375 -> 0.38 per line; two lines 0.76 (0.75 unrounded).
    items = (
        invoice_item(quantity=3, net_cost=Decimal("0.125")),
        invoice_item("2", quantity=3, net_cost=Decimal("0.125")),
    )

    assert build_invoice_request([invoice(*items, total=Decimal("0.76"))])
    refused(
        "invoice total 0.75 is not the items' net amounts 0.76",
        invoice(*items, total=Decimal("0.75")),
    )


def test_the_schema_check_catches_a_wrong_body(validator):
    validator = schema_checker(validator)
    body = build_invoice_request([invoice()])
    wrong = copy.deepcopy(body)
    entry = wrong["invoices"][0]
    entry["items"][0]["itemSequenceNumber"] = "1"
    entry["invoiceTotal"]["amount"] = "125,00"
    entry["date"] = "04/03/2026"
    entry["remitToParty"]["address"]["postalCode"] = "98101"

    problems = validator.validate_definition(MODEL, "SubmitInvoicesRequest", wrong)

    assert len(problems) == 4
    request_problems = validator.validate_request(
        "POST", INVOICES_PATH, {}, body=json.dumps(wrong).encode("utf-8")
    )
    assert any(
        "'invoices[0].remitToParty.address.postalCode' is not defined" in p
        for p in request_problems
    )
    assert_valid(validator, body)
