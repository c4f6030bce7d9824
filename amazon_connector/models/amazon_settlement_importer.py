"""Amazon settlement reports: fetched, stored once, and booked as one journal entry each.

The entry of a settlement says what Amazon did with the money of the period:
- each order's amounts settle what is open on it: its invoice's receivable (invoices left
  open at import), else the payment registered at import in the Amazon journal (matched,
  never paid twice); refunds settle the order's credit note the same way;
- fees, reimbursements and reserves go to the ledger accounts of the account's mapping;
- the payout (`total-amount`) waits on the outstanding receipts account of the payout
  journal, for the bank statement line of Amazon's transfer;
- what cannot be placed (an order Odoo does not know, a description without mapping)
  goes to the suspense account, marked on its line for a person, and Rebook finishes it.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.fields import Command

from ..amazon_sp.documents import (
    FEE,
    REFUND,
    SALE,
    SETTLEMENT_REPORT_TYPE,
    TRANSFER,
    WITHHELD_TAX,
    AmazonDocumentError,
    parse_settlement,
)
from ..amazon_sp.documents.settlements import (
    FEE_GROUP,
    KNOWN_DESCRIPTIONS,
    REIMBURSEMENT_GROUP,
    RESERVE_GROUP,
)

_logger = logging.getLogger(__name__)

# Amazon keeps settlement reports listed for 90 days: every run looks at all of them, so a
# settlement is fetched whenever it appears, whatever happened to the runs before.
LISTED_DAYS = 90
ZERO = Decimal(0)


class AmazonSettlementImporter(models.AbstractModel):
    _name = "amazon.settlement.importer"
    _description = "Amazon Settlement Importer"

    # ------------------------------------------------------------------ fetching

    @api.model
    def _import_settlements(self, account):
        """Fetch the account's settlement reports not stored yet (and those that could not
        be read before), store and book each. Returns the settlements stored this run."""
        Settlement = self.env["amazon.settlement"]
        known = {
            s.report_ref: s
            for s in Settlement.search([("account_id", "=", account.id)])
            if s.state != "error"
        }
        since = fields.Datetime.now() - timedelta(days=LISTED_DAYS) + timedelta(minutes=5)
        imported = Settlement
        with account._amazon_client() as client:
            reports = [
                report
                for page in client.iter_report_pages(
                    [SETTLEMENT_REPORT_TYPE], processing_statuses=["DONE"], created_since=since
                )
                for report in page.items
                if report.get("reportId") and report["reportId"] not in known
            ]
            for done, report in enumerate(reversed(reports), 1):  # oldest first
                imported |= self._import_report(account, client, report) or Settlement
                left = len(reports) - done
                if not self.env["ir.cron"]._commit_progress(1, remaining=left) and left:
                    break  # out of time: the next run goes on
        return imported

    def _import_report(self, account, client, report):
        """Download, parse, store and book one report; an unreadable one is stored in
        error with the reason (retried next run). Amazon's own failures propagate."""
        report_ref = report["reportId"]
        document_ref = report.get("reportDocumentId")
        existing = self.env["amazon.settlement"].search(
            [("account_id", "=", account.id), ("report_ref", "=", report_ref)]
        )
        try:
            content = client.get_report_document(document_ref)
            document = parse_settlement(content)
        except AmazonDocumentError as error:
            _logger.warning("Amazon account %s: settlement report unreadable", account.id)
            values = {
                "account_id": account.id,
                "report_ref": report_ref,
                "report_document_ref": document_ref,
                "state": "error",
                "last_error": str(error),
            }
            if existing:
                existing.write(values)
                return existing
            return self.env["amazon.settlement"].create(values)
        duplicate = self.env["amazon.settlement"].search(
            [
                ("account_id", "=", account.id),
                ("settlement_ref", "=", document.settlement_id),
                ("id", "not in", existing.ids),
            ]
        )
        if duplicate:
            return None  # the same settlement in another report: stored once
        existing.unlink()
        settlement = self.env["amazon.settlement"].create(
            self._settlement_values(account, report, document)
        )
        self._book(settlement)
        return settlement

    def _settlement_values(self, account, report, document):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", document.currency)], limit=1)
        )
        return {
            "account_id": account.id,
            "report_ref": report["reportId"],
            "report_document_ref": report.get("reportDocumentId"),
            "settlement_ref": document.settlement_id,
            "start_date": document.start,
            "end_date": document.end,
            "deposit_date": document.deposit_date,
            "marketplace_name": document.marketplace_name,
            "currency_id": currency.id,
            "total_amount": float(document.total_amount),
            "lines_total": float(document.lines_total),
            "line_ids": [
                Command.create(
                    {
                        "row": line.row,
                        "transaction_type": line.transaction_type,
                        "order_ref": line.order_id or False,
                        "adjustment_ref": line.adjustment_id or False,
                        "amount_type": line.amount_type,
                        "description": line.amount_description,
                        "amount": float(line.amount),
                        "kind": line.kind,
                        "refund_side": line.is_refund_transaction,
                        "posted_date": line.posted,
                        "sku": line.sku or False,
                        "quantity": line.quantity or 0,
                    }
                )
                for line in document.lines
            ],
        }

    # ------------------------------------------------------------------ booking

    @api.model
    def _book(self, settlement):
        """(Re)book `settlement` as one posted journal entry, reconciled with what it
        settles. Booking again first undoes the previous entry: nothing is booked twice."""
        account = settlement.account_id
        self._unbook(settlement)
        if not settlement.currency_id:
            settlement.write(
                {"state": "error", "last_error": self.env._("Unknown settlement currency.")}
            )
            return
        booking = _Booking(self.env, settlement)
        booking.orders()
        booking.other_amounts(account._settlement_ledger_accounts())
        booking.payout()
        move = self.env["account.move"].create(booking.move_values())
        move.action_post()
        booking.reconcile(move)
        booking.mark_lines()
        settlement.write(
            {
                "move_id": move.id,
                "state": "to_check" if booking.has_problems else "booked",
                "last_error": booking.difference_note,
            }
        )

    def _unbook(self, settlement):
        move = settlement.move_id
        if not move:
            return
        move.line_ids.remove_move_reconcile()
        if move.state == "posted":
            move.button_draft()
        settlement.move_id = False
        move.unlink()
        settlement.line_ids.write(
            {"problem": False, "ledger_account_id": False, "sale_order_id": False}
        )


class _Booking:
    """The journal items of one settlement, and what each must be reconciled with."""

    def __init__(self, env, settlement):
        self.env = env
        self.settlement = settlement
        self.account = settlement.account_id
        self.company = self.account.company_id
        self.currency = settlement.currency_id
        self.date = (settlement.deposit_date or settlement.end_date or fields.Datetime.now()).date()
        self.items = []  # move line values
        self.reconcile_with = []  # (item index, account.move.line to reconcile it with)
        self.line_updates = defaultdict(lambda: self.env["amazon.settlement.line"])
        self.has_problems = False
        self.difference_note = False
        self.suspense = (
            self.account.settlement_suspense_account_id
            or self.company.account_journal_suspense_account_id
        )

    # ---------------------------------------------------------------- items

    def _item(self, ledger_account, amount_currency, label, partner=None):
        """A journal item for `amount_currency` (settlement currency, the seller's side:
        positive is money Amazon owes the seller, booked as a debit)."""
        amount = float(amount_currency)
        self.items.append(
            {
                "account_id": ledger_account.id,
                "partner_id": partner.id if partner else False,
                "name": label,
                "currency_id": self.currency.id,
                "amount_currency": amount,
                "balance": self.currency._convert(
                    amount, self.company.currency_id, self.company, self.date
                ),
            }
        )
        return len(self.items) - 1

    def _mark(self, lines, *, ledger_account, problem=False, sale=None):
        key = (ledger_account.id, problem, sale.id if sale else False)
        self.line_updates[key] |= lines
        if problem:
            self.has_problems = True

    # ---------------------------------------------------------------- orders

    def orders(self):
        groups = defaultdict(lambda: self.env["amazon.settlement.line"])
        for line in self.settlement.line_ids:
            if line.kind in (SALE, REFUND, WITHHELD_TAX) and line.order_ref:
                groups[line.order_ref, line.refund_side] |= line
        if not groups:
            return
        refs = list({ref for ref, _refund in groups})
        sales = self.env["sale.order"].search(
            [("amazon_account_id", "=", self.account.id), ("amazon_order_ref", "in", refs)]
        )
        by_ref = {sale.amazon_order_ref: sale for sale in sales}
        for (ref, refund), lines in groups.items():
            self._order(ref, refund, by_ref.get(ref), lines)

    def _order(self, ref, refund, sale, lines):
        amount = Decimal(str(sum(lines.mapped("amount"))))
        amount = Decimal(str(self.currency.round(float(amount))))
        if self.currency.is_zero(float(amount)):
            self._mark(lines, ledger_account=self.env["account.account"], sale=sale)
            return
        label = (
            self.env._("Amazon refund %s", ref) if refund else self.env._("Amazon order %s", ref)
        )
        if not sale:
            self._suspend(lines, amount, label, "unknown_order")
            return
        kind = "out_refund" if refund else "out_invoice"
        documents = sale.invoice_ids.filtered(
            lambda move: move.state == "posted" and move.move_type == kind
        )
        if not documents:
            self._suspend(
                lines, amount, label, "no_credit_note" if refund else "not_invoiced", sale
            )
            return
        open_items = self._open_items(documents)
        if refund and not open_items:
            # The credit note was matched with its invoice: the refund settles the invoice.
            open_items = self._open_items(
                sale.invoice_ids.filtered(
                    lambda move: move.state == "posted" and move.move_type == "out_invoice"
                )
            )
        if not open_items:
            self._suspend(lines, amount, label, "nothing_open", sale)
            return
        ledger_account = open_items[0].account_id
        partner = open_items[0].partner_id
        settled = amount
        if open_items.account_id.account_type == "asset_receivable":
            # Amazon's amount and Odoo's may differ by rounding: close the invoice, write off
            # the cents (above the tolerance, the rest stays open on the invoice).
            residual = Decimal(str(sum(open_items.mapped("amount_residual_currency"))))
            residual = Decimal(str(self.currency.round(float(residual))))
            difference = amount - residual
            tolerance = Decimal(str(self.account.rounding_tolerance))
            writeoff = self.account._rounding_writeoff_account()
            if difference and abs(difference) <= tolerance and writeoff:
                settled = residual
                self._item(writeoff, -difference, self.env._("Rounding, %s", label))
        index = self._item(ledger_account, -settled, label, partner)
        self.reconcile_with.append((index, open_items))
        self._mark(lines, ledger_account=ledger_account, sale=sale)

    def _open_items(self, documents):
        """What is still open of these invoices (or credit notes): their receivable, else
        the Amazon journal's payment registered for them at import, not matched yet."""
        receivables = documents.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        if receivables:
            return receivables
        journal = self.account.payment_journal_id
        payment_moves = documents._get_reconciled_payments().move_id.filtered(
            lambda move: move.journal_id == journal
        )
        return payment_moves.line_ids.filtered(
            lambda line: (
                not line.reconciled
                and line.account_id.reconcile
                and line.account_id.account_type != "asset_receivable"
            )
        )

    def _suspend(self, lines, amount, label, problem, sale=None):
        self._item(self.suspense, -amount, label)
        self._mark(lines, ledger_account=self.suspense, problem=problem, sale=sale)

    # ---------------------------------------------------------------- fees and the rest

    def other_amounts(self, ledger_accounts):
        """Fees, reimbursements, reserves: one item per description and ledger account."""
        groups = defaultdict(lambda: self.env["amazon.settlement.line"])
        for line in self.settlement.line_ids:
            if line.kind in (FEE, TRANSFER) or not line.order_ref:
                groups[line.description or line.amount_type or line.transaction_type] |= line
        for description, lines in groups.items():
            amount = Decimal(str(self.currency.round(sum(lines.mapped("amount")))))
            ledger_account = ledger_accounts.get(description)
            if not ledger_account:
                self._suspend(lines, amount, self.env._("Amazon: %s", description), "unmapped")
                continue
            if not self.currency.is_zero(float(amount)):
                self._item(ledger_account, -amount, self.env._("Amazon: %s", description))
            self._mark(lines, ledger_account=ledger_account)

    def payout(self):
        settlement = self.settlement
        total = Decimal(str(self.currency.round(settlement.total_amount)))
        booked = -sum((Decimal(str(item["amount_currency"])) for item in self.items), ZERO)
        self._item(
            self.account._payout_account(),
            total,
            self.env._("Amazon payout of settlement %s", settlement.settlement_ref),
        )
        difference = booked - total
        if difference:
            # The report's rows do not add up to its total: the gap waits for a person.
            self._item(self.suspense, difference, self.env._("Rows differ from the payout"))
            self.has_problems = True
            self.difference_note = self.env._(
                "Amazon's rows add up to %(rows)s, its payout is %(total)s.",
                rows=booked,
                total=total,
            )

    # ---------------------------------------------------------------- entry

    def move_values(self):
        settlement = self.settlement
        return {
            "move_type": "entry",
            "journal_id": self.account._settlement_journal().id,
            "date": self.date,
            "ref": self.env._("Amazon settlement %s", settlement.settlement_ref),
            "currency_id": self.currency.id,
            "amazon_account_id": self.account.id,
            "line_ids": [Command.create(values) for values in self.items],
        }

    def reconcile(self, move):
        """Reconcile each order's item with what it settles, all in one plan. Items that
        settle the same payment (one per page of orders) are reconciled together."""
        move_lines = move.line_ids.sorted("id")
        groups = []  # [set of line ids]
        for index, targets in self.reconcile_with:
            ids = {move_lines[index].id, *targets.ids}
            overlapping = [group for group in groups if group & ids]
            for group in overlapping:
                ids |= group
                groups.remove(group)
            groups.append(ids)
        plan = [self.env["account.move.line"].browse(sorted(ids)) for ids in groups]
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)

    def mark_lines(self):
        for (ledger_account_id, problem, sale_id), lines in self.line_updates.items():
            lines.write(
                {
                    "ledger_account_id": ledger_account_id or False,
                    "problem": problem,
                    "sale_order_id": sale_id,
                }
            )


def default_ledger_accounts(company):
    """The company's ledger account of each group of Amazon descriptions."""
    return {
        FEE_GROUP: company.expense_account_id,
        REIMBURSEMENT_GROUP: company.income_account_id,
        RESERVE_GROUP: company.transfer_account_id,
    }


def default_mappings(company):
    """[(description, ledger account)] a new account starts with."""
    accounts = default_ledger_accounts(company)
    return [
        (description, accounts[group])
        for description, group in sorted(KNOWN_DESCRIPTIONS.items())
        if accounts[group]
    ]
