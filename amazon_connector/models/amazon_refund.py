from odoo import fields, models

from ..amazon_sp.documents import CHARGEBACK_KIND, GUARANTEE_CLAIM_KIND, REFUND_KIND

REFUND_KINDS = [
    (REFUND_KIND, "Refund"),
    (GUARANTEE_CLAIM_KIND, "A-to-z Guarantee claim"),
    (CHARGEBACK_KIND, "Chargeback"),
]
REFUND_STATES = [
    ("done", "Booked"),
    ("issue", "To check"),
]


class AmazonRefund(models.Model):
    """One refund Amazon gave a buyer (a refund, A-to-z claim or chargeback event of the
    Finances API), booked once as a credit note of its order."""

    _name = "amazon.refund"
    _description = "Amazon Refund"
    _order = "posted_date desc, id desc"
    _rec_name = "refund_ref"

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    refund_ref = fields.Char(
        string="Amazon Refund", required=True, readonly=True, help="Amazon's refund, made unique."
    )
    kind = fields.Selection(REFUND_KINDS, required=True, readonly=True, default=REFUND_KIND)
    order_ref = fields.Char(string="Amazon Order", required=True, readonly=True, index=True)
    posted_date = fields.Datetime(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(
        string="Refund Cost",
        readonly=True,
        help="What the refund costs the seller before fees: what the buyer got back, less "
        "the tax Amazon collected and pays back itself.",
    )
    buyer_amount = fields.Monetary(string="Given Back to the Buyer", readonly=True)
    tax_withheld = fields.Monetary(string="Tax Returned by Amazon", readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null")
    channel = fields.Selection(related="sale_order_id.amazon_channel")
    credit_note_id = fields.Many2one("account.move", readonly=True)
    payment_id = fields.Many2one("account.payment", string="Refund Payment", readonly=True)
    return_picking_id = fields.Many2one("stock.picking", readonly=True)
    origin = fields.Selection(
        [("amazon", "Decided on Amazon"), ("odoo", "Sent from Odoo")],
        readonly=True,
        help="Sent from Odoo: the refund a person made in Odoo, as Amazon carried it out.",
    )
    state = fields.Selection(REFUND_STATES, required=True, readonly=True, default="issue")
    problem = fields.Text(readonly=True, help="Why the refund is not booked yet.")
    line_ids = fields.One2many("amazon.refund.line", "refund_id", readonly=True)
    # Amazon's event, to book it again once the cause is fixed: {"list": ..., "event": ...}.
    event = fields.Text(readonly=True)

    _account_refund_uniq = models.Constraint(
        "UNIQUE(account_id, refund_ref)", "This Amazon refund is already recorded."
    )

    def action_retry(self):
        """Book what is to check, once its cause is fixed (order imported, invoice posted)."""
        self.check_access("write")
        self.env["amazon.refund.importer"].sudo()._book(
            self.filtered(lambda refund: refund.state == "issue").sudo()
        )
        return True


class AmazonRefundLine(models.Model):
    _name = "amazon.refund.line"
    _description = "Amazon Refunded Item"

    refund_id = fields.Many2one("amazon.refund", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="refund_id.currency_id")
    sku = fields.Char(string="SKU", readonly=True)
    quantity = fields.Integer(readonly=True)
    principal = fields.Monetary(readonly=True)
    shipping = fields.Monetary(readonly=True)
    gift_wrap = fields.Monetary(readonly=True)
    promotion = fields.Monetary(readonly=True, help="The discount taken back.")
    tax = fields.Monetary(readonly=True)
    tax_withheld = fields.Monetary(string="Tax Returned by Amazon", readonly=True)
    other = fields.Monetary(string="Other Charges", readonly=True)
    total = fields.Monetary(readonly=True, help="What the item's refund costs the seller.")
