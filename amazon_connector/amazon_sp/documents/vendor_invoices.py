"""Vendor Invoices API v1 (Vendor Central retail procurement payments): the invoices and
credit notes a vendor sends Amazon for what it shipped (submitInvoices).

`build_invoice_request` makes the body of submitInvoices, one Invoice per `InvoiceRequest`.
It answers 202 with a `transactionId` (`vendor_orders.parse_transaction_id`): whether Amazon's
payee system accepted the invoice is told later by the Vendor Transaction Status API, and a
refused invoice is sent again under the same id once corrected.

Refused, with the invoice id (and item) as path, what Amazon would refuse:
- no invoice, the same invoice id twice in a request ("Invoice numbers must be unique");
- an invoice id that is not 1 to 20 letters, digits or hyphens, starting with a letter or
  a digit. The model sets no format (it only says that an invoice without id is
  rejected): the rule is a conservative choice, not Amazon's word. 20 characters fit the
  invoice number of EDI 810, Amazon's other invoice channel (at most 22), letters, digits
  and hyphens are taken by every channel, and it is what the Odoo exporter already
  normalises invoice names to;
- an invoice type other than Invoice or CreditNote; a date that is not a datetime;
- a currency that is not 3 capital letters (ISO 4217): every amount of the invoice is in it;
- no remit-to party (the model requires it: Amazon pays that party), a party without id, an
  address without name, street or ISO 3166-1 alpha-2 country, a tax registration without
  number or of a type other than VAT or GST;
- no item; an item sequence number that is not a whole number >= 1 (the model's is an
  integer: "001" is 1), the same one twice; an item with neither ASIN nor vendor product id;
- an invoiced quantity below 1 ("Quantity must be greater than zero"), a unit other than
  Cases or Eaches, Cases without unit size, a unit size below 1 or other than 1 on Eaches;
- a net cost that is not above zero ("Price information should not be zero or negative");
  an item priced by weight (`cost_unit_of_measure`: POUNDS, OUNCES, GRAMS, KILOGRAMS)
  without its total weight, or a total weight without that unit (Amazon: "For items priced
  by weight, you must provide the totalWeight field");
- on an Invoice, an item without its purchase order number, or one that is not 8 letters or
  digits ("mandatory only when invoiceType is Invoice"); on a CreditNote, an item without
  credit note details or with none of their references ("required only if invoiceType is
  CreditNote"), and credit note details on an Invoice;
- an HSN code with letters ("The HSN number cannot contain alphabets");
- a tax type other than the model's fourteen; a tax amount or taxable amount below zero, a
  tax rate below 0 or above 100 (a percentage); a charge or allowance type other than the
  model's, a charge or allowance amount not above zero;
- a payment term type other than the model's; net or discount due days below 0, a discount
  percent not above 0 or not below 100, a discount percent without its discount due days
  or the other way round, a discount due after the net amount;
- a total that is not above zero (Amazon: "Invoices with total amount = 0 fails"), or that is
  not, to the cent, what the invoice adds up to. The rule, per Amazon's definition of
  invoiceTotal ("including all relevant taxes ... including charges, less allowances,
  before terms discount"):
      total = sum of the items' net amounts + taxes + charges - allowances
  * an item's net amount is its units (eaches: Cases times unit size) times the net cost,
    or its total weight times the net cost when priced by weight, rounded half up to the
    cent, as accounting systems (Odoo among them) round invoice lines; the net cost is the
    unit price itself, not rounded (0.125 stays 0.125);
  * taxes are the invoice's `taxDetails` ("Total tax amount details for all line items")
    when it has some, else the sum of the items' (an item's tax amount is "applied on ...
    an item total"): they are not added up twice, nor compared with each other, since
    Amazon's own example gives its items' taxes per unit;
  * charges and allowances likewise: the invoice's own when it has some, else the sum of
    the items'; each counts with its own taxes (Amazon's example adds its freight and the
    freight's taxes to the items and their taxes: 218866.43 + 39395.96 + 1200 + 216 =
    259678.39);
  * both sides are rounded half up to the cent and must be equal.
Not checked, for lack of a rule Amazon states: that a tax amount is its rate of its taxable
amount (accounting systems round taxes per line or per invoice), and the invoice date
against the purchase order's (the model: "on or after the purchase order creation date").

Written like the other vendor documents (with `vendor_common`'s writers): dates ISO 8601 in
UTC with a Z, to the second (naive datetimes are UTC); amounts as the model's Decimal strings
(Decimal, int or str accepted, floats refused); the postal code of an address as
`postalOrZipCode` (this model's name). `Party` is `vendor_orders.Party`.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from .common import AmazonDocumentError
from .vendor_common import (
    COST_UNITS_OF_MEASURE,
    Party,
    QuantityUnit,
    decimal_text,
    format_date,
    quantity_eaches,
    read_amount,
    values_of,
    write_choice,
    write_currency,
    write_entries,
    write_money,
    write_party,
    write_product_ids,
    write_purchase_order_number,
    write_quantity,
    write_text,
    write_whole,
)

DOCUMENT = "vendor invoice"
POSTAL_KEY = "postalOrZipCode"
CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Letters, digits and hyphens, 1 to 20 (see the module's docstring).
INVOICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
_HSN_CODE = re.compile(r"^[^A-Za-z]+$")
_SEQUENCE = re.compile(r"^\d+$")


class InvoiceType:
    INVOICE = "Invoice"
    CREDIT_NOTE = "CreditNote"


class TaxType:
    """TaxDetails.taxType."""

    CGST = "CGST"
    SGST = "SGST"
    CESS = "CESS"
    UTGST = "UTGST"
    IGST = "IGST"
    MWST = "MwSt."
    PST = "PST"
    TVA = "TVA"
    VAT = "VAT"
    GST = "GST"
    ST = "ST"
    CONSUMPTION = "Consumption"
    MUTUALLY_DEFINED = "MutuallyDefined"
    DOMESTIC_VAT = "DomesticVAT"


class PaymentTermType:
    """PaymentTerms.type."""

    BASIC = "Basic"
    END_OF_MONTH = "EndOfMonth"
    FIXED_DATE = "FixedDate"
    PROXIMO = "Proximo"
    PAYMENT_DUE_UPON_RECEIPT_OF_INVOICE = "PaymentDueUponReceiptOfInvoice"
    LETTER_OF_CREDIT = "LetterofCredit"  # sic


class ChargeType:
    """ChargeDetails.type."""

    FREIGHT = "Freight"
    PACKING = "Packing"
    DUTY = "Duty"
    SERVICE = "Service"
    SMALL_ORDER = "SmallOrder"
    INSURANCE_PLACEMENT_COST = "InsurancePlacementCost"
    INSURANCE_FEE = "InsuranceFee"
    SPECIAL_HANDLING_SERVICE = "SpecialHandlingService"
    COLLECTION_AND_RECYCLING_SERVICE = "CollectionAndRecyclingService"
    ENVIRONMENTAL_PROTECTION_SERVICE = "EnvironmentalProtectionService"
    TAX_COLLECTED_AT_SOURCE = "TaxCollectedAtSource"


class AllowanceType:
    """AllowanceDetails.type."""

    DISCOUNT = "Discount"
    DISCOUNT_INCENTIVE = "DiscountIncentive"
    DEFECTIVE = "Defective"
    PROMOTIONAL = "Promotional"
    UNSALEABLE_MERCHANDISE = "UnsaleableMerchandise"
    SPECIAL = "Special"


INVOICE_TYPES = values_of(InvoiceType)
TAX_TYPES = values_of(TaxType)
PAYMENT_TERM_TYPES = values_of(PaymentTermType)
CHARGE_TYPES = values_of(ChargeType)
ALLOWANCE_TYPES = values_of(AllowanceType)


@dataclass(frozen=True)
class TaxDetail:
    """A TaxDetails: `amount` of tax of `tax_type` (TaxType), at `rate` percent ("9" for 9%)
    of `taxable_amount`. In the invoice's currency."""

    tax_type: str
    amount: Decimal
    rate: Decimal | None = None
    taxable_amount: Decimal | None = None


@dataclass(frozen=True)
class ChargeDetail:
    """A charge (ChargeType: Freight, Packing...) and its taxes."""

    charge_type: str
    amount: Decimal
    description: str = ""
    tax_details: tuple[TaxDetail, ...] = ()


@dataclass(frozen=True)
class AllowanceDetail:
    """An allowance (AllowanceType: Discount, Defective...) and its taxes, deducted."""

    allowance_type: str
    amount: Decimal
    description: str = ""
    tax_details: tuple[TaxDetail, ...] = ()


@dataclass(frozen=True)
class PaymentTerms:
    """Terms of payment, from the invoice date."""

    term_type: str = PaymentTermType.BASIC
    net_due_days: int | None = None
    discount_percent: Decimal | None = None
    discount_due_days: int | None = None


@dataclass(frozen=True)
class CreditNoteDetails:
    """The references of a credit note's item (at least one): the invoice it corrects (AP
    credit notes), Amazon's debit note, the returns notice (returns credit notes, with the
    date the return arrived), the RMA, the COOP agreement, the consignor (VRET)."""

    reference_invoice_number: str = ""
    debit_note_number: str = ""
    returns_reference_number: str = ""
    goods_return_date: datetime | None = None
    rma_id: str = ""
    coop_reference_number: str = ""
    consignors_reference_number: str = ""


@dataclass(frozen=True)
class InvoiceItem:
    """One invoiced line: `quantity` in `unit_of_measure` at `net_cost` per each, without
    tax (or per `cost_unit_of_measure` of `total_weight` when priced by weight)."""

    sequence: str  # itemSequenceNumber: a whole number ("1", "001")
    asin: str
    vendor_product_id: str
    quantity: int
    net_cost: Decimal
    purchase_order_number: str  # required on an Invoice, optional on a CreditNote
    unit_of_measure: str = QuantityUnit.EACHES
    unit_size: int | None = None
    tax_details: tuple[TaxDetail, ...] = ()
    cost_unit_of_measure: str = ""  # netCostUnitOfMeasure: POUNDS... when priced by weight
    total_weight: Decimal | None = None  # in cost_unit_of_measure, when priced by weight
    hsn_code: str = ""
    charges: tuple[ChargeDetail, ...] = ()
    allowances: tuple[AllowanceDetail, ...] = ()
    credit_note: CreditNoteDetails | None = None  # CreditNote only, then required


@dataclass(frozen=True)
class InvoiceRequest:
    """An invoice (or credit note) of goods shipped to Amazon. `total` includes the taxes,
    charges and allowances (see the module's docstring for how it must add up)."""

    invoice_id: str
    date: datetime
    currency: str
    total: Decimal
    remit_to: Party
    items: tuple[InvoiceItem, ...]
    bill_to: Party | None = None
    ship_to_party_id: str = ""
    ship_from: Party | None = None
    tax_details: tuple[TaxDetail, ...] = ()
    payment_terms: PaymentTerms | None = None
    reference_number: str = ""
    invoice_type: str = InvoiceType.INVOICE
    charges: tuple[ChargeDetail, ...] = ()
    allowances: tuple[AllowanceDetail, ...] = ()


def build_invoice_request(invoices):
    """The JSON body (a dict) of submitInvoices: {"invoices": [...]}, one Invoice per
    InvoiceRequest. Raises AmazonDocumentError for what Amazon would refuse (see the
    module's docstring)."""
    built = write_entries(
        invoices,
        lambda invoice: _Invoice(invoice).entry,
        "id",
        document=DOCUMENT,
        nothing="no invoice to send",
        twice="the invoice id is used twice in the request",
    )
    return {"invoices": built}


class _Invoice:
    """One Invoice being written: `entry` is its JSON object."""

    def __init__(self, invoice):
        if not isinstance(invoice, InvoiceRequest):
            raise AmazonDocumentError(
                f"expected an InvoiceRequest, not {type(invoice).__name__}", document=DOCUMENT
            )
        self.path = _invoice_id(invoice.invoice_id)
        self.invoice_type = self._choice(invoice.invoice_type, INVOICE_TYPES, "invoice type")
        self.currency = write_currency(invoice.currency, document=DOCUMENT, path=self.path)
        entry = {
            "invoiceType": self.invoice_type,
            "id": self.path,
            "date": format_date(invoice.date, "invoice date", document=DOCUMENT, path=self.path),
        }
        reference = write_text(
            invoice.reference_number,
            "reference number",
            document=DOCUMENT,
            path=self.path,
            required=False,
        )
        if reference:
            entry["referenceNumber"] = reference
        entry.update(self._parties(invoice))
        if invoice.payment_terms is not None:
            entry["paymentTerms"] = self._payment_terms(invoice.payment_terms)
        items, lines = self._items(invoice.items)
        expected = lines + self._add_ups(invoice, entry)
        entry["invoiceTotal"] = self._total(invoice.total, lines, expected)
        entry["items"] = items
        self.entry = entry

    def _refuse(self, message, path=None):
        raise AmazonDocumentError(message, document=DOCUMENT, path=path or self.path)

    def _choice(self, value, values, label, path=None):
        return write_choice(value, values, label, document=DOCUMENT, path=path or self.path)

    def _money(self, amount):
        return write_money(amount, self.currency)

    def _parties(self, invoice):
        path = self.path
        if invoice.remit_to is None:
            self._refuse("no remit-to party: Amazon pays the party the invoice names")
        parties = {
            "remitToParty": write_party(
                invoice.remit_to,
                "remit-to party",
                document=DOCUMENT,
                path=path,
                postal_key=POSTAL_KEY,
            )
        }
        ship_to = write_text(
            invoice.ship_to_party_id,
            "ship-to party id",
            document=DOCUMENT,
            path=path,
            required=False,
        )
        if ship_to:
            parties["shipToParty"] = {"partyId": ship_to}
        for key, party, label in (
            ("shipFromParty", invoice.ship_from, "ship-from party"),
            ("billToParty", invoice.bill_to, "bill-to party"),
        ):
            if party is not None:
                parties[key] = write_party(
                    party, label, document=DOCUMENT, path=path, postal_key=POSTAL_KEY
                )
        return parties

    def _payment_terms(self, terms):
        path = self.path
        entry = {"type": self._choice(terms.term_type, PAYMENT_TERM_TYPES, "payment term type")}
        net = terms.net_due_days
        if net is not None:
            entry["netDueDays"] = write_whole(
                net, "net due days", document=DOCUMENT, path=path, minimum=0
            )
        percent, days = terms.discount_percent, terms.discount_due_days
        if (percent is None) != (days is None):
            self._refuse("a discount percent goes with its discount due days, and back")
        if percent is not None:
            percent = read_amount(
                percent, "discount percent", document=DOCUMENT, path=path, positive=True
            )
            if percent >= HUNDRED:
                self._refuse(f"discount percent {percent} is not below 100")
            entry["discountPercent"] = decimal_text(percent)
            entry["discountDueDays"] = write_whole(
                days, "discount due days", document=DOCUMENT, path=path, minimum=0
            )
            if net is not None and days > net:
                self._refuse(f"the discount is due after {days} days, the invoice after {net}")
        return entry

    # Items

    def _items(self, items):
        """(the InvoiceItems, the sum of their net amounts)."""
        items = tuple(items or ())
        if not items:
            self._refuse("an invoice without items")
        built, sequences, lines = [], set(), ZERO
        for index, item in enumerate(items):
            if not isinstance(item, InvoiceItem):
                self._refuse(f"expected an InvoiceItem, not {type(item).__name__}")
            entry, amount = self._item(item, index)
            if entry["itemSequenceNumber"] in sequences:
                self._refuse(f"item sequence number {entry['itemSequenceNumber']} is used twice")
            sequences.add(entry["itemSequenceNumber"])
            lines += amount
            built.append(entry)
        return built, lines

    def _item(self, item, index):
        """(the InvoiceItem, its net amount rounded to the cent)."""
        sequence = item.sequence
        if not isinstance(sequence, str):
            self._refuse(
                f"item sequence number {sequence!r} should be a string",
                f"{self.path} items[{index}]",
            )
        if not _SEQUENCE.match(sequence) or int(sequence) < 1:
            self._refuse(
                f"item sequence number {sequence!r} is not a whole number >= 1",
                f"{self.path} items[{index}]",
            )
        path = f"{self.path}/{sequence}"
        entry = {"itemSequenceNumber": int(sequence)}
        entry.update(
            write_product_ids(
                item.asin,
                item.vendor_product_id,
                document=DOCUMENT,
                path=path,
                asin_key="amazonProductIdentifier",
            )
        )
        quantity = write_quantity(
            item.quantity, item.unit_of_measure, item.unit_size, document=DOCUMENT, path=path
        )
        cost = read_amount(item.net_cost, "net cost", document=DOCUMENT, path=path, positive=True)
        entry["invoicedQuantity"] = quantity
        entry["netCost"] = self._money(cost)
        amount = self._priced_by_weight(item, quantity, entry, path)
        amount = (cost * (quantity_eaches(quantity) if amount is None else amount)).quantize(
            CENT, ROUND_HALF_UP
        )
        entry.update(self._item_references(item, path))
        hsn = write_text(item.hsn_code, "HSN code", document=DOCUMENT, path=path, required=False)
        if hsn:
            if not _HSN_CODE.match(hsn):
                self._refuse(f"HSN code {hsn!r} contains letters", path)
            entry["hsnCode"] = hsn
        for key, details in self._details(item.tax_details, item.charges, item.allowances, path):
            entry[key] = details
        return entry, amount

    def _priced_by_weight(self, item, quantity, entry, path):
        """The total weight of an item priced by weight (written into its quantity), None
        for an item priced per each."""
        unit = item.cost_unit_of_measure or ""
        if not unit:
            if item.total_weight is not None:
                self._refuse("a total weight without the unit its net cost is priced by", path)
            return None
        self._choice(unit, COST_UNITS_OF_MEASURE, "cost unit of measure", path)
        if item.total_weight is None:
            self._refuse("an item priced by weight needs its total weight", path)
        weight = read_amount(
            item.total_weight, "total weight", document=DOCUMENT, path=path, positive=True
        )
        quantity["totalWeight"] = {"unitOfMeasure": unit, "amount": decimal_text(weight)}
        entry["netCostUnitOfMeasure"] = unit
        return weight

    def _item_references(self, item, path):
        """purchaseOrderNumber and creditNoteDetails."""
        found = {}
        number = item.purchase_order_number or ""
        if number or self.invoice_type == InvoiceType.INVOICE:
            found["purchaseOrderNumber"] = write_purchase_order_number(
                number, document=DOCUMENT, path=path
            )
        details = item.credit_note
        if self.invoice_type == InvoiceType.INVOICE:
            if details is not None:
                self._refuse("credit note details on an Invoice", path)
            return found
        if not isinstance(details, CreditNoteDetails):
            self._refuse("an item of a credit note needs its credit note details", path)
        found["creditNoteDetails"] = self._credit_note(details, path)
        return found

    def _credit_note(self, details, path):
        entry = {}
        for key, name in (
            ("referenceInvoiceNumber", "reference_invoice_number"),
            ("debitNoteNumber", "debit_note_number"),
            ("returnsReferenceNumber", "returns_reference_number"),
            ("rmaId", "rma_id"),
            ("coopReferenceNumber", "coop_reference_number"),
            ("consignorsReferenceNumber", "consignors_reference_number"),
        ):
            value = write_text(
                getattr(details, name),
                name.replace("_", " "),
                document=DOCUMENT,
                path=path,
                required=False,
            )
            if value:
                entry[key] = value
        if not entry:
            self._refuse("credit note details without any reference", path)
        if details.goods_return_date is not None:
            entry["goodsReturnDate"] = format_date(
                details.goods_return_date, "goods return date", document=DOCUMENT, path=path
            )
        return entry

    # Taxes, charges, allowances and the total

    def _details(self, taxes, charges, allowances, path):
        """(key, JSON list) of the taxDetails, chargeDetails and allowanceDetails given."""
        found = []
        taxes = tuple(taxes or ())
        if taxes:
            found.append(("taxDetails", [self._tax(tax, path) for tax in taxes]))
        for key, given, kind, types, label in (
            ("chargeDetails", charges, ChargeDetail, CHARGE_TYPES, "charge"),
            ("allowanceDetails", allowances, AllowanceDetail, ALLOWANCE_TYPES, "allowance"),
        ):
            values = tuple(given or ())
            if values:
                found.append((key, [self._adjustment(v, kind, types, label, path) for v in values]))
        return found

    def _tax(self, tax, path):
        return write_tax_detail(tax, self.currency, document=DOCUMENT, path=path)

    def _adjustment(self, value, kind, types, label, path):
        if not isinstance(value, kind):
            self._refuse(f"expected {kind.__name__}, not {type(value).__name__}", path)
        value_type = value.charge_type if kind is ChargeDetail else value.allowance_type
        entry = {"type": self._choice(value_type, types, f"{label} type", path)}
        description = write_text(
            value.description, f"{label} description", document=DOCUMENT, path=path, required=False
        )
        if description:
            entry["description"] = description
        amount = read_amount(
            value.amount, f"{label} amount", document=DOCUMENT, path=path, positive=True
        )
        entry[f"{label}Amount"] = self._money(amount)
        taxes = tuple(value.tax_details or ())
        if taxes:
            entry["taxDetails"] = [self._tax(tax, path) for tax in taxes]
        return entry

    def _add_ups(self, invoice, entry):
        """Writes the invoice's taxes, charges and allowances; returns what they add to the
        items' net amounts: the invoice's own of each kind, else the sum of its items'."""
        for key, details in self._details(
            invoice.tax_details, invoice.charges, invoice.allowances, self.path
        ):
            entry[key] = details
        items = tuple(invoice.items)
        taxes = tax_total(invoice.tax_details) if invoice.tax_details else _sum_taxes(items)
        charges = (
            _adjustments(invoice.charges)
            if invoice.charges
            else sum((_adjustments(item.charges) for item in items), ZERO)
        )
        allowances = (
            _adjustments(invoice.allowances)
            if invoice.allowances
            else sum((_adjustments(item.allowances) for item in items), ZERO)
        )
        self.parts = (taxes, charges, allowances)
        return taxes + charges - allowances

    def _total(self, total, lines, expected):
        total = read_amount(total, "invoice total", document=DOCUMENT, path=self.path)
        if total <= 0:
            self._refuse(f"invoice total {total} is not above zero: Amazon refuses it")
        if total.quantize(CENT, ROUND_HALF_UP) != expected.quantize(CENT, ROUND_HALF_UP):
            taxes, charges, allowances = self.parts
            parts = f"the items' net amounts {lines} plus taxes {taxes}"
            if charges:
                parts += f" plus charges {charges}"
            if allowances:
                parts += f" less allowances {allowances}"
            self._refuse(
                f"invoice total {total} is not {parts}: {expected.quantize(CENT, ROUND_HALF_UP)}"
            )
        return self._money(total)


def write_tax_detail(tax, currency, *, document, path=None):
    """A TaxDetails {taxType, taxRate?, taxAmount, taxableAmount?} of a TaxDetail, in
    `currency` (checked): a type of the model's (the Vendor Invoices and the direct
    fulfillment payments models list the same fourteen), amounts not below zero, a rate (a
    percentage) from 0 to 100."""
    if not isinstance(tax, TaxDetail):
        raise AmazonDocumentError(
            f"expected a TaxDetail, not {type(tax).__name__}", document=document, path=path
        )
    entry = {
        "taxType": write_choice(tax.tax_type, TAX_TYPES, "tax type", document=document, path=path)
    }
    if tax.rate is not None:
        rate = read_amount(tax.rate, "tax rate", document=document, path=path, minimum=ZERO)
        if rate > HUNDRED:
            raise AmazonDocumentError(
                f"tax rate {rate} is above 100 (a percentage)", document=document, path=path
            )
        entry["taxRate"] = decimal_text(rate)
    amount = read_amount(tax.amount, "tax amount", document=document, path=path, minimum=ZERO)
    entry["taxAmount"] = write_money(amount, currency)
    if tax.taxable_amount is not None:
        taxable = read_amount(
            tax.taxable_amount, "taxable amount", document=document, path=path, minimum=ZERO
        )
        entry["taxableAmount"] = write_money(taxable, currency)
    return entry


def tax_total(taxes):
    """The sum of the amounts of TaxDetails already checked by `write_tax_detail`."""
    return sum((Decimal(str(tax.amount).strip()) for tax in taxes), ZERO)


def _sum_taxes(items):
    return sum((tax_total(item.tax_details) for item in items), ZERO)


def _adjustments(values):
    """Charges or allowances with their taxes (already checked by the writer)."""
    return sum(
        (Decimal(str(value.amount).strip()) + tax_total(value.tax_details) for value in values),
        ZERO,
    )


def _invoice_id(value):
    if not isinstance(value, str) or not value:
        raise AmazonDocumentError(
            f"invoice id {value!r} is missing: Amazon rejects an invoice without one",
            document=DOCUMENT,
        )
    if not INVOICE_ID.match(value):
        raise AmazonDocumentError(
            f"invoice id {value!r} is not 1 to 20 letters, digits or hyphens (starting with a "
            "letter or a digit)",
            document=DOCUMENT,
        )
    return value
