from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..amazon_sp.documents import FEE, REFUND, SALE, TRANSFER, WITHHELD_TAX
from .amazon_account import MANAGER_GROUP

SETTLEMENT_STATES = [
    ("draft", "Imported"),
    ("booked", "Booked"),
    ("to_check", "To check"),
    ("error", "Unreadable"),
]
LINE_KINDS = [
    (SALE, "Sale"),
    (REFUND, "Refund"),
    (WITHHELD_TAX, "Tax withheld by Amazon"),
    (FEE, "Fee or other amount"),
    (TRANSFER, "Reserve or transfer"),
]
# Why a line went to the suspense account, for a person to fix (then Rebook).
LINE_PROBLEMS = [
    ("unknown_order", "No such order in Odoo"),
    ("not_invoiced", "Order not invoiced yet"),
    ("no_credit_note", "Refund without a credit note"),
    ("nothing_open", "Nothing left to settle on the order"),
    ("unmapped", "No account for this description"),
]


class AmazonSettlement(models.Model):
    """One settlement report of an account: what Amazon paid out for a period, and why."""

    _name = "amazon.settlement"
    _description = "Amazon Settlement"
    _inherit = ["mail.thread"]
    _order = "end_date desc, id desc"
    _rec_name = "settlement_ref"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    settlement_ref = fields.Char(
        string="Settlement ID", readonly=True, help="Amazon's id of the settlement."
    )
    report_ref = fields.Char(string="Report ID", readonly=True, required=True)
    report_document_ref = fields.Char(string="Report Document ID", readonly=True)
    state = fields.Selection(
        SETTLEMENT_STATES, default="draft", required=True, readonly=True, tracking=True
    )
    last_error = fields.Text(readonly=True)
    start_date = fields.Datetime(readonly=True)
    end_date = fields.Datetime(readonly=True)
    deposit_date = fields.Datetime(readonly=True)
    marketplace_name = fields.Char(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    total_amount = fields.Monetary(
        string="Payout", readonly=True, help="What Amazon transfers to the bank for the period."
    )
    lines_total = fields.Monetary(readonly=True, help="The sum of the report's rows.")
    line_ids = fields.One2many("amazon.settlement.line", "settlement_id", readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False, check_company=True
    )
    problem_count = fields.Integer(compute="_compute_problem_count", store=True)

    _account_settlement_uniq = models.UniqueIndex(
        "(account_id, settlement_ref) WHERE settlement_ref IS NOT NULL",
        "This Amazon settlement is already imported for this account.",
    )
    _account_report_uniq = models.Constraint(
        "UNIQUE(account_id, report_ref)", "This Amazon report is already imported."
    )

    @api.depends("line_ids.problem")
    def _compute_problem_count(self):
        counts = dict(
            self.env["amazon.settlement.line"]._read_group(
                [("settlement_id", "in", self.ids), ("problem", "!=", False)],
                ["settlement_id"],
                ["__count"],
            )
        )
        for settlement in self:
            settlement.problem_count = counts.get(settlement, 0)

    @api.depends("settlement_ref", "account_id")
    def _compute_display_name(self):
        for settlement in self:
            settlement.display_name = self.env._(
                "Settlement %s", settlement.settlement_ref or settlement.report_ref
            )

    def action_rebook(self):
        """Book again, with today's mappings and orders: what was fixed is settled.

        Booking writes journal entries: allowed to Amazon and accounting administrators,
        done with the rights of the booking itself (as the daily job does)."""
        user = self.env.user
        if not (user.has_group(MANAGER_GROUP) or user.has_group("account.group_account_manager")):
            raise AccessError(
                self.env._("Only Amazon or accounting administrators can book settlements.")
            )
        importer = self.env["amazon.settlement.importer"].sudo()
        for settlement in self.sudo():
            if settlement.state == "error":
                raise UserError(
                    self.env._(
                        "Settlement report %s could not be read: nothing to book.",
                        settlement.report_ref,
                    )
                )
            importer._book(settlement)
        return True

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }


class AmazonSettlementLine(models.Model):
    """A row of a settlement report, and where it was booked."""

    _name = "amazon.settlement.line"
    _description = "Amazon Settlement Line"
    _order = "settlement_id, row"

    settlement_id = fields.Many2one(
        "amazon.settlement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    row = fields.Integer(help="Line number in Amazon's file.")
    transaction_type = fields.Char()
    order_ref = fields.Char(string="Amazon Order", index="btree_not_null")
    adjustment_ref = fields.Char(string="Adjustment ID")
    amount_type = fields.Char()
    description = fields.Char(help="Amazon's amount description (Principal, Commission...).")
    amount = fields.Monetary()
    kind = fields.Selection(LINE_KINDS, required=True)
    refund_side = fields.Boolean(help="Part of a refund (the order's credit note settles it).")
    posted_date = fields.Datetime()
    sku = fields.Char(string="SKU")
    quantity = fields.Integer()
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    ledger_account_id = fields.Many2one("account.account", string="Booked On", readonly=True)
    problem = fields.Selection(LINE_PROBLEMS, readonly=True)
