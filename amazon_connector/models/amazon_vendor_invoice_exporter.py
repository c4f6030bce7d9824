"""Invoices of Amazon's purchase orders sent to Vendor Central (Vendor Invoices
submitInvoices) when they are posted: number and date, the remit-to party (the vendor code,
the company's address), the purchase order of each item with its quantity and net cost,
taxes, the total and the payment terms. Amazon processes them later: the transaction's
outcome is read back onto the invoice (accepted, or Amazon's errors with Send again).
"""

import re
from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal

from odoo import api, fields, models

from ..amazon_sp.documents import (
    AmazonDocumentError,
    DfInvoice,
    DfInvoiceItem,
    InvoiceItem,
    InvoiceRequest,
    Party,
    PaymentTerms,
    TaxDetail,
    build_df_invoice_request,
    build_invoice_request,
)
from ..amazon_sp.documents.vendor_edi import build_invoice_810

# The tax type invoices declare (Amazon's TaxDetails.taxType); sales taxes and VAT alike are
# the seller's output tax, which Amazon's model calls VAT outside the US.
US_TAX_TYPE, DEFAULT_TAX_TYPE = "GST", "VAT"


def _money(currency, amount):
    """An amount in the currency's cents, written as such (23.00, not 23.0)."""
    return Decimal(str(currency.round(amount))).quantize(
        Decimal(1).scaleb(-currency.decimal_places)
    )


def _unit_cost(cost):
    """A unit cost as written on the order: cents, with more digits only where it has them."""
    cost = cost.quantize(Decimal("0.000001")).normalize()
    return cost.quantize(Decimal("0.01")) if cost.as_tuple().exponent > -2 else cost


class AmazonVendorInvoiceExporter(models.AbstractModel):
    _name = "amazon.vendor.invoice.exporter"
    _description = "Amazon Vendor Invoice Sender"

    @api.model
    def _send_all(self, account, client):
        invoices = self.env["account.move"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("amazon_vendor_invoice_state", "=", "to_send"),
            ]
        )
        for invoice in invoices:
            self._send(account, client, invoice)
        return len(invoices)

    def _send(self, account, client, invoice):
        """One invoice: over the API (`client`), or as an 810 over AS2 for an EDI account."""
        direct = invoice.amazon_channel == "direct_fulfillment"
        edi = account._uses_edi() and not direct
        try:
            if direct:
                body = build_df_invoice_request([self._df_invoice(invoice)])
            elif edi:
                body = build_invoice_810(self._invoice(invoice))
            else:
                body = build_invoice_request([self._invoice(invoice)])
        except AmazonDocumentError as error:
            self._failed(invoice, str(error))
            return
        links = {"move_id": invoice.id, "sale_order_ids": invoice.line_ids.sale_line_ids.order_id}
        if edi:
            transaction = (
                self.env["amazon.edi.exchange"]._send_sets(account, "810", [body], **links)
            ).transaction_id
        else:
            submit = client.submit_df_invoice if direct else client.submit_invoices
            transaction = self.env["amazon.vendor.transaction"]._record(
                account, "df_invoice" if direct else "invoice", submit(body), **links
            )
        invoice.write(
            {
                "amazon_vendor_invoice_state": "sent",
                "amazon_vendor_transaction_id": transaction.id,
                "amazon_vendor_invoice_error": False,
            }
        )

    def _invoice(self, invoice):
        currency = invoice.currency_id
        orders = invoice.line_ids.sale_line_ids.order_id
        order = orders[:1]
        company = invoice.company_id
        tax_type = US_TAX_TYPE if company.country_id.code == "US" else DEFAULT_TAX_TYPE
        items = [
            InvoiceItem(
                sequence=sale_line.amazon_item_sequence,
                asin=sale_line.amazon_asin or "",
                vendor_product_id=sale_line.amazon_vendor_product_ref or "",
                quantity=quantity,
                net_cost=net_cost,
                purchase_order_number=sale_line.order_id.amazon_order_ref,
            )
            for sale_line, quantity, net_cost in self._invoice_items(invoice)
        ]
        due_days = (
            (invoice.invoice_date_due - invoice.invoice_date).days
            if invoice.invoice_date_due and invoice.invoice_date
            else None
        )
        date = invoice.invoice_date or fields.Date.today()
        bill_to = order.partner_invoice_id
        return InvoiceRequest(
            invoice_id=re.sub(r"[^A-Za-z0-9-]", "-", invoice.name)[:20],
            # Amazon takes no invoice dated before its purchase order was placed, to the second.
            date=max([datetime.combine(date, time()), *orders.mapped("date_order")]),
            currency=currency.name,
            total=_money(currency, invoice.amount_total),
            remit_to=Party(
                party_id=order.amazon_selling_party or "",
                address=company.partner_id._amazon_address(),
            ),
            items=tuple(items),
            bill_to=Party(party_id=bill_to.ref, address=bill_to._amazon_address())
            if bill_to.ref
            else None,
            ship_to_party_id=order.partner_shipping_id.ref or "",
            tax_details=self._taxes(invoice, tax_type),
            payment_terms=PaymentTerms(net_due_days=due_days) if due_days is not None else None,
            reference_number=", ".join(orders.mapped("amazon_order_ref"))[:50],
        )

    def _invoice_items(self, invoice):
        """[(sale line, units, net unit cost)] of the invoice's lines of Amazon items."""
        items = []
        for line in invoice.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
            sale_line = line.sale_line_ids.filtered("amazon_item_sequence")[:1]
            if not sale_line:
                continue
            # Amazon multiplies the unit cost by the quantity: the cost is not rounded.
            net_cost = Decimal(str(line.price_unit)) * (1 - Decimal(str(line.discount)) / 100)
            items.append((sale_line, round(line.quantity), _unit_cost(net_cost)))
        if not items:
            raise AmazonDocumentError(
                self.env._("The invoice has no item of an Amazon purchase order."),
                document="invoice",
            )
        return items

    def _df_invoice(self, invoice):
        """A direct fulfilment invoice (payments API): the same invoice, Amazon's customer
        orders as its purchase orders, remitted to the vendor code."""
        currency = invoice.currency_id
        orders = invoice.line_ids.sale_line_ids.order_id
        order = orders[:1]
        company = invoice.company_id
        tax_type = US_TAX_TYPE if company.country_id.code == "US" else DEFAULT_TAX_TYPE
        date = invoice.invoice_date or fields.Date.today()
        return DfInvoice(
            number=re.sub(r"[^A-Za-z0-9-]", "-", invoice.name)[:20],
            date=max([datetime.combine(date, time()), *orders.mapped("date_order")]),
            currency=currency.name,
            total=_money(currency, invoice.amount_total),
            remit_to=Party(
                party_id=order.amazon_selling_party or "",
                address=company.partner_id._amazon_address(),
            ),
            ship_from_party_id=order.amazon_df_ship_from or "",
            items=tuple(
                DfInvoiceItem(
                    sequence=sale_line.amazon_item_sequence,
                    asin=sale_line.amazon_asin or "",
                    vendor_product_id=sale_line.amazon_vendor_product_ref or "",
                    quantity=quantity,
                    net_cost=net_cost,
                    purchase_order_number=sale_line.order_id.amazon_order_ref,
                    vendor_order_number=sale_line.order_id.name,
                )
                for sale_line, quantity, net_cost in self._invoice_items(invoice)
            ),
            ship_to_country_code=order.partner_shipping_id.country_id.code or "",
            reference=", ".join(orders.mapped("amazon_order_ref"))[:50],
            tax_totals=tuple(
                (tax.tax_type, tax.rate, tax.amount, tax.taxable_amount)
                for tax in self._taxes(invoice, tax_type)
            ),
        )

    @staticmethod
    def _taxes(invoice, tax_type):
        """The invoice's taxes as Odoo booked them (its tax lines), so that the items and the
        taxes add up to its total to the cent, however Odoo rounds."""
        currency = invoice.currency_id
        bases = defaultdict(float)
        for line in invoice.invoice_line_ids:
            for tax in line.tax_ids:
                bases[tax] += line.price_subtotal
        amounts = defaultdict(float)
        for line in invoice.line_ids.filtered("tax_line_id"):
            amounts[line.tax_line_id] += -line.amount_currency
        return tuple(
            TaxDetail(
                tax_type,
                _money(currency, amount),
                rate=Decimal(str(tax.amount)),
                taxable_amount=_money(currency, bases[tax]),
            )
            for tax, amount in amounts.items()
            if not currency.is_zero(amount)
        )

    @api.model
    def _transaction_done(self, transaction):
        invoice = transaction.move_id
        if not invoice or invoice.amazon_vendor_invoice_state != "sent":
            return
        if transaction.state == "success":
            invoice.write(
                {"amazon_vendor_invoice_state": "done", "amazon_vendor_invoice_error": False}
            )
            return
        self._failed(invoice, transaction.error)

    def _failed(self, invoice, error):
        invoice.write(
            {"amazon_vendor_invoice_state": "failed", "amazon_vendor_invoice_error": error}
        )
        invoice.amazon_account_id._ask_a_person(
            invoice,
            self.env._("Amazon refused the invoice"),
            self.env._("Amazon's answer: %s. Fix the cause, then send it again.", error),
        )
