"""Amazon's refunds booked in Odoo: each refund, A-to-z claim or chargeback Amazon gave a buyer
becomes one credit note of its order, for exactly what Amazon refunded, settled as the order
was (reconciled with the open invoice, or paid back from the account's Amazon journal when
the order was paid at import); FBM refunds of whole units also get a return picking.

Source: Finances API v0 listFinancialEvents (see `amazon_sp.documents.refunds` for why v0),
read hourly over a window that reaches 48 hours back (Amazon posts events late); a refund is
recorded once by its key, so reading it again does nothing. A refund that cannot be booked
yet (order not in Odoo, not invoiced, more than invoiced, unknown item) waits on its record
and an import issue of its order, and is booked by a later run or Retry.

A credit note a person made in Odoo for the same refund (sent through the order adjustment
feed, or for an FBA order) is matched with Amazon's refund instead of booking a second one.
"""

import json
import logging
from collections import defaultdict
from decimal import Decimal

from odoo import api, fields, models
from odoo.fields import Command

from ..amazon_sp import financial_events_window
from ..amazon_sp.documents import (
    COD_FEE,
    AmazonDocumentError,
    parse_refund_events,
    split_refund_events,
)
from ..amazon_sp.log_masking import mask_text
from .amazon_order_importer import OrderHeld

_logger = logging.getLogger(__name__)

ZERO = Decimal(0)
# Credit notes made in Odoo that Amazon's refund may be the outcome of (a rejected one too:
# the seller may have granted it in Seller Central instead).
DECIDED_IN_ODOO = ("to_send", "sent", "accepted", "rejected", "fba")
# Amazon's refund charge types that are refunds of a COD fee.
COD_CHARGE_TYPES = ("CODItemCharge", "CODOrderCharge", "CODShippingCharge")


def _included(taxes):
    """The line's prices include its taxes (prices with VAT): Amazon's refunded amounts then
    add up with their tax. Without taxes (Amazon collects them), there is nothing to add."""
    return bool(taxes) and all(tax.price_include for tax in taxes)


class RefundHeld(Exception):
    """This refund cannot be booked yet; the reason is shown to a person."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class AmazonRefundImporter(models.AbstractModel):
    _name = "amazon.refund.importer"
    _description = "Amazon Refund Importer"

    # ------------------------------------------------------------------ reading

    @api.model
    def _import_refunds(self, account):
        """Read the refunds Amazon posted in the account's window and book the new ones,
        then book again those that wait. Returns the refunds recorded this run, or None
        when it stopped between pages (out of time: the next run reads the window again)."""
        Refund = self.env["amazon.refund"]
        after, before = financial_events_window(account.refunds_synced_until, fields.Datetime.now())
        recorded = Refund
        cron = self.env["ir.cron"]
        with account._amazon_client() as client:
            for page in client.iter_financial_event_pages(after, before):
                new = Refund
                for events in page.items:
                    new |= self._record(account, events)
                self._book(new)
                recorded |= new
                if page.next_token and not cron._commit_progress(len(new), remaining=1):
                    return None
        account.refunds_synced_until = before.replace(tzinfo=None)
        waiting = Refund.search([("account_id", "=", account.id), ("state", "=", "issue")])
        self._book(waiting - recorded)
        return recorded

    def _record(self, account, events):
        """Store the refunds of one FinancialEvents object not recorded before."""
        Refund = self.env["amazon.refund"]
        try:
            found = split_refund_events(events)
        except AmazonDocumentError as error:
            _logger.warning("Amazon account %s: financial events unreadable", account.id)
            account.last_error = self.env._("Amazon's refunds unreadable: %s", error)
            return Refund
        for unreadable in (event for event in found if event.error):
            self._hold_order(
                account,
                unreadable.order_id or self.env._("(no order id)"),
                self.env._("Amazon's refund event is malformed: %s", unreadable.error),
                payload=unreadable.document,
            )
        readable = [event for event in found if event.refund]
        keys = [event.refund.refund_id for event in readable]
        known = set(
            Refund.search([("account_id", "=", account.id), ("refund_ref", "in", keys)]).mapped(
                "refund_ref"
            )
        )
        new = {}
        for event in readable:
            if event.refund.refund_id not in known:
                new.setdefault(event.refund.refund_id, event)
        currencies = {
            currency.name: currency
            for currency in self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list({e.refund.currency for e in new.values()}))])
        }
        return Refund.create(
            [self._refund_values(account, event, currencies) for event in new.values()]
        )

    def _refund_values(self, account, event, currencies):
        refund = event.refund
        currency = currencies.get(refund.currency)
        return {
            "account_id": account.id,
            "refund_ref": refund.refund_id,
            "kind": refund.kind,
            "order_ref": refund.order_id,
            "posted_date": refund.posted,
            "currency_id": currency.id if currency else False,
            "amount": float(refund.total),
            "buyer_amount": float(refund.buyer_total),
            "tax_withheld": float(refund.tax_withheld),
            "event": json.dumps(event.document),
            "line_ids": [
                Command.create(
                    {
                        "sku": item.sku,
                        "quantity": item.quantity,
                        "principal": float(item.principal),
                        "shipping": float(item.shipping),
                        "gift_wrap": float(item.gift_wrap),
                        "promotion": float(item.promotion),
                        "tax": float(item.tax),
                        "tax_withheld": float(item.tax_withheld),
                        "other": float(sum(item.other.values(), ZERO)),
                        "total": float(item.total),
                    }
                )
                for item in refund.items
            ],
        }

    # ------------------------------------------------------------------ booking

    @api.model
    def _book(self, refunds):
        """Book each refund on its own: one that cannot be booked waits, the others go on."""
        for record in refunds:
            try:
                with self.env.cr.savepoint():
                    self._book_one(record)
            except (RefundHeld, OrderHeld) as held:
                record.write({"state": "issue", "problem": held.reason})
            except Exception as error:  # confined to its refund, shown on it
                _logger.warning(
                    "Amazon refund %s not booked: %s", record.refund_ref, error.__class__.__name__
                )
                record.write(
                    {
                        "state": "issue",
                        "problem": f"{type(error).__name__}: {mask_text(str(error))}",
                    }
                )
        self._follow_issues(refunds)

    def _book_one(self, record):
        account = record.account_id
        (refund,) = parse_refund_events(json.loads(record.event))
        sale = self.env["sale.order"].search(
            [("amazon_account_id", "=", account.id), ("amazon_order_ref", "=", record.order_ref)],
            limit=1,
        )
        record.sale_order_id = sale
        if not sale:
            raise RefundHeld(
                self.env._(
                    "Amazon refunded order %s, which is not in Odoo (not imported yet, or "
                    "held by an import issue): the refund is booked once the order is imported.",
                    record.order_ref,
                )
            )
        if refund.currency and record.currency_id != sale.currency_id:
            raise RefundHeld(
                self.env._(
                    "Amazon refunded in %(refund)s an order sold in %(order)s.",
                    refund=refund.currency,
                    order=sale.currency_id.name,
                )
            )
        credit_notes = self._credit_notes(sale)
        credit_note = credit_notes.filtered(
            lambda move: move.amazon_refund_ref == record.refund_ref
        )
        origin = "amazon"
        if not credit_note:
            credit_note = self._decided_in_odoo(sale, credit_notes, record)
            origin = "odoo" if credit_note else "amazon"
        picking = self.env["stock.picking"]
        if credit_note:
            credit_note.amazon_refund_ref = record.refund_ref
            credit_note.message_post(
                body=self.env._(
                    "Amazon's refund %s carries out this credit note: it is not booked again.",
                    record.refund_ref,
                )
            )
        else:
            invoices = self._invoices(sale)
            self._check_refundable(sale, invoices, credit_notes, record)
            lines, refunded = self._credit_note_lines(account, sale, refund)
            credit_note = self.env["account.move"].create(
                self._credit_note_values(sale, invoices, record, lines)
            )
            credit_note.action_post()
            self._check_amount(account, sale, credit_note, record)
            if sale.amazon_channel == "fbm":
                picking = self._return_goods(account, sale, refunded)
        payment = self._settle(account, sale, credit_note, record)
        record.write(
            {
                "state": "done",
                "problem": False,
                "origin": origin,
                "credit_note_id": credit_note.id,
                "payment_id": payment.id,
                "return_picking_id": picking[:1].id,
            }
        )
        self._rebook_settlements(account, record.order_ref)

    def _credit_notes(self, sale):
        return self.env["account.move"].search(
            [
                ("move_type", "=", "out_refund"),
                ("state", "=", "posted"),
                ("amazon_account_id", "=", sale.amazon_account_id.id),
                ("amazon_order_ref", "=", sale.amazon_order_ref),
            ]
        )

    def _invoices(self, sale):
        return sale.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )

    def _decided_in_odoo(self, sale, credit_notes, record):
        """The credit note a person made in Odoo that Amazon's refund carries out: one not
        matched yet, for Amazon's amount (within the rounding tolerance)."""
        candidates = credit_notes.filtered(
            lambda move: (
                not move.amazon_refund_ref
                and move.amazon_refund_state in DECIDED_IN_ODOO
                and sale._amazon_difference_is_rounding(move.amount_total - record.amount)
            )
        )
        return candidates.sorted("id")[:1]

    def _check_refundable(self, sale, invoices, credit_notes, record):
        if not invoices:
            raise RefundHeld(
                self.env._(
                    "Amazon refunded order %s, which is not invoiced in Odoo yet: the refund "
                    "is booked once its invoice is posted.",
                    sale.amazon_order_ref,
                )
            )
        invoiced = sum(invoices.mapped("amount_total"))
        credited = sum(credit_notes.mapped("amount_total"))
        if not sale._amazon_difference_is_rounding(min(0.0, invoiced - credited - record.amount)):
            raise RefundHeld(
                self.env._(
                    "Amazon refunded %(refund)s of order %(ref)s, more than is left to credit: "
                    "invoiced %(invoiced)s, credited %(credited)s already. Check the order's "
                    "invoices and credit notes, then retry.",
                    refund=record.amount,
                    ref=sale.amazon_order_ref,
                    invoiced=invoiced,
                    credited=credited,
                )
            )

    # ------------------------------------------------------------------ the credit note

    def _credit_note_lines(self, account, sale, refund):
        """(credit note line commands, [(RefundItem, sale line)]) of a refund: each item's
        principal on its order line (its product and taxes), shipping, gift wrap, the
        discount taken back and other charges on the account's products, as the import
        made them. The seller's tax is Odoo's, from those taxes; tax Amazon withheld is not
        the seller's and stays out, as at import."""
        item_lines = sale.order_line.filtered("amazon_order_item_id")
        by_item = {line.amazon_order_item_id: line for line in item_lines}
        skus = [item.sku for item in refund.items if item.sku]
        products = {
            offer.sku: offer.product_id
            for offer in self.env["amazon.offer"].search(
                [("account_id", "=", account.id), ("sku", "in", skus)]
            )
        }
        commands, refunded = [], []
        added, added_tax = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
        for item in refund.items:
            line = by_item.get(item.order_item_id) or self._line_of_sku(
                item_lines, item.sku, products
            )
            if not line:
                raise RefundHeld(
                    self.env._(
                        "Amazon refunded SKU %(sku)s, which order %(ref)s has no line for.",
                        sku=item.sku or item.order_item_id,
                        ref=sale.amazon_order_ref,
                    )
                )
            refunded.append((item, line))
            if item.principal:
                amount = item.principal + (item.item_tax if _included(line.tax_ids) else ZERO)
                commands.append(Command.create(self._item_line(line, item, amount)))
            for kind, amount, tax in (
                ("shipping", item.shipping, item.shipping_tax),
                ("gift_wrap", item.gift_wrap, item.gift_wrap_tax),
                ("discount", -item.promotion, ZERO),
            ):
                added[kind] += amount
                added_tax[kind] += tax
            for charge_type, amount in item.other.items():
                added[charge_type] += amount
        for charge_type, amount in refund.order_charges.items():
            added[charge_type] += amount
        first_line = refunded[0][1] if refunded else item_lines[:1]
        importer = self.env["amazon.order.importer"]
        for kind, amount in added.items():
            if not amount or "tax" in kind.casefold():
                continue  # a charge's tax is Odoo's, from the charge line's taxes
            product, description = importer._added_line_product(
                account, COD_FEE if kind in COD_CHARGE_TYPES else kind
            )
            same = sale.order_line.filtered(lambda line, p=product: line.product_id == p)[:1]
            taxes = (same or first_line).tax_ids
            values = {
                "product_id": product.id,
                "quantity": 1,
                "price_unit": float(amount + (added_tax[kind] if _included(taxes) else ZERO)),
                "tax_ids": [Command.set(taxes.ids)],
            }
            if same:
                values["sale_line_ids"] = [Command.set(same.ids)]
            if description:
                values["name"] = description
            commands.append(Command.create(values))
        if not commands:
            raise RefundHeld(
                self.env._(
                    "Amazon's refund of order %s has no amount to credit.", sale.amazon_order_ref
                )
            )
        return commands, refunded

    @staticmethod
    def _line_of_sku(item_lines, sku, products):
        product = products.get(sku)
        return item_lines.filtered(
            lambda line: (
                line.product_id == product if product else line.product_id.default_code == sku
            )
        )[:1]

    def _item_line(self, line, item, amount):
        """The credit note line of an item's `amount`: its units at Amazon's unit price, or,
        when the units do not divide the amount to the cent, one line for the amount."""
        quantity = item.quantity or 1
        digits = self.env["decimal.precision"].precision_get("Product Price")
        unit = (amount / quantity).quantize(Decimal(1).scaleb(-digits))
        name = line.name
        if unit * quantity != amount:
            name = self.env._("%(name)s (%(count)s units)", name=line.name, count=quantity)
            quantity, unit = 1, amount
        return {
            "product_id": line.product_id.id,
            "name": name,
            "quantity": quantity,
            "price_unit": float(unit),
            "tax_ids": [Command.set(line.tax_ids.ids)],
            "sale_line_ids": [Command.set(line.ids)],
        }

    def _credit_note_values(self, sale, invoices, record, lines):
        invoice = invoices.sorted("id")[-1:]
        kind = dict(record._fields["kind"].selection)[record.kind]
        return {
            "move_type": "out_refund",
            "partner_id": invoice.partner_id.id,
            "journal_id": invoice.journal_id.id,
            "currency_id": invoice.currency_id.id,
            "fiscal_position_id": invoice.fiscal_position_id.id,
            "invoice_date": (record.posted_date or fields.Datetime.now()).date(),
            "invoice_origin": sale.name,
            "reversed_entry_id": invoice.id,
            "ref": self.env._(
                "Amazon %(kind)s of %(ref)s", kind=kind.lower(), ref=sale.amazon_order_ref
            ),
            "amazon_account_id": sale.amazon_account_id.id,
            "amazon_order_ref": sale.amazon_order_ref,
            "amazon_channel": sale.amazon_channel,
            "amazon_refund_ref": record.refund_ref,
            "amazon_refund_state": "amazon",
            "invoice_line_ids": lines,
        }

    def _check_amount(self, account, sale, credit_note, record):
        difference = record.amount - credit_note.amount_total
        if not sale._amazon_difference_is_rounding(difference):
            account._ask_a_person(
                credit_note,
                self.env._("Refund differs from Amazon's"),
                self.env._(
                    "Amazon's refund of order %(ref)s cost %(amazon)s, Odoo computes "
                    "%(odoo)s: check the taxes of the credit note.",
                    ref=sale.amazon_order_ref,
                    amazon=record.amount,
                    odoo=credit_note.amount_total,
                ),
            )

    # ------------------------------------------------------------------ settling

    def _settle(self, account, sale, credit_note, record):
        """Close the credit note as its order was settled: against the invoice still open,
        else (the order was paid at import) with a refund payment from the Amazon journal,
        for Amazon's amount (a rounding difference written off). Returns the payment."""
        Payment = self.env["account.payment"]
        invoices = self._invoices(sale)
        receivable = credit_note.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        open_invoices = invoices.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        if receivable and open_invoices:
            (receivable | open_invoices).reconcile()
        if credit_note.currency_id.is_zero(credit_note.amount_residual):
            return Payment
        journal = account.payment_journal_id
        paid_by_amazon = invoices._get_reconciled_payments().filtered(
            lambda payment: payment.journal_id == journal
        )
        if not journal or not paid_by_amazon:
            return Payment  # left open: the settlement closes it
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=credit_note.ids)
            .create({"journal_id": journal.id})
        )
        residual = credit_note.amount_residual
        expected = residual + (record.amount - credit_note.amount_total)
        if credit_note.currency_id.compare_amounts(expected, residual):
            writeoff = account._rounding_writeoff_account()
            rounding = sale._amazon_difference_is_rounding(expected - residual)
            values = {"amount": expected}
            if rounding and writeoff:
                values.update(
                    payment_difference_handling="reconcile",
                    writeoff_account_id=writeoff.id,
                    writeoff_label=self.env._("Rounding difference with Amazon"),
                )
            wizard.write(values)
        return wizard._create_payments()

    def _rebook_settlements(self, account, order_ref):
        """Settlements that found no credit note for this order's refund book it now."""
        lines = self.env["amazon.settlement.line"].search(
            [
                ("settlement_id.account_id", "=", account.id),
                ("order_ref", "=", order_ref),
                ("problem", "=", "no_credit_note"),
            ]
        )
        importer = self.env["amazon.settlement.importer"]
        for settlement in lines.settlement_id:
            importer._book(settlement)

    # ------------------------------------------------------------------ goods back

    def _return_goods(self, account, sale, refunded):
        """A return picking of the delivery for the units refunded at their whole price,
        waiting for the parcel (a person validates it when it arrives). A refund of part of
        an item's price expects nothing back."""
        wanted = defaultdict(float)
        for item, line in refunded:
            full_price = Decimal(str(line.price_unit)) * item.quantity
            paid_back = item.principal + (item.item_tax if _included(line.tax_ids) else ZERO)
            if (
                item.quantity
                and line.product_id.is_storable
                and sale._amazon_difference_is_rounding(float(min(ZERO, paid_back - full_price)))
            ):
                wanted[line.product_id] += item.quantity
        deliveries = sale.picking_ids.filtered(
            lambda picking: picking.picking_type_code == "outgoing" and picking.state == "done"
        )
        if not wanted or not deliveries:
            return self.env["stock.picking"]
        try:
            with self.env.cr.savepoint():
                return self._create_returns(deliveries, wanted)
        except Exception as error:  # the refund stands; a person makes the return
            _logger.warning("Amazon order %s: return not created", sale.amazon_order_ref)
            account._ask_a_person(
                sale,
                self.env._("Return the refunded units"),
                self.env._(
                    "Amazon refunded units of order %(ref)s; their return could not be made: "
                    "%(error)s",
                    ref=sale.amazon_order_ref,
                    error=mask_text(str(error)),
                ),
            )
            return self.env["stock.picking"]

    def _create_returns(self, deliveries, wanted):
        returns = self.env["stock.picking"]
        for delivery in deliveries:
            if not any(quantity > 0 for quantity in wanted.values()):
                break
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=delivery.id, active_model="stock.picking")
                .create({"picking_id": delivery.id})
            )
            chosen = False
            for return_line in wizard.product_return_moves:
                move = return_line.move_id
                returned = sum(
                    move.returned_move_ids.filtered(lambda m: m.state != "cancel").mapped(
                        "product_uom_qty"
                    )
                )
                take = min(wanted[return_line.product_id], max(0.0, move.quantity - returned))
                if take > 0:
                    return_line.write({"quantity": take, "to_refund": False})
                    wanted[return_line.product_id] -= take
                    chosen = True
            if chosen:
                returns |= wizard._create_return()
        return returns

    # ------------------------------------------------------------------ issues

    def _follow_issues(self, refunds):
        """An import issue per order whose refunds wait, closed once they are booked."""
        for account, of_account in refunds.grouped("account_id").items():
            waiting = self.env["amazon.refund"].search(
                [
                    ("account_id", "=", account.id),
                    ("order_ref", "in", list(set(of_account.mapped("order_ref")))),
                    ("state", "=", "issue"),
                ]
            )
            waiting_by_ref = waiting.grouped("order_ref")
            for order_ref, records in of_account.grouped("order_ref").items():
                sale = records.sale_order_id[:1]
                if order_ref in waiting_by_ref:
                    problems = waiting_by_ref[order_ref].mapped("problem")
                    self._hold_order(account, order_ref, "\n".join(problems), sale=sale)
                else:
                    self.env["amazon.order.issue"]._resolve_refunds(account, order_ref, sale)

    def _hold_order(self, account, order_ref, reason, sale=None, payload=None):
        self.env["amazon.order.issue"]._record_refund_problem(
            account, order_ref, reason, sale=sale, payload=payload
        )
