from odoo import api, fields, models

from ..amazon_sp.documents import ADJUSTMENT_REASONS, AdjustmentReason
from .amazon_order_reference_mixin import amazon_value_selection

# Where a credit note of an Amazon order stands with Amazon.
AMAZON_REFUND_STATES = [
    ("amazon", "Refunded by Amazon"),
    ("fba", "Refunded by Amazon itself (FBA)"),
    ("to_send", "To send to Amazon"),
    ("sent", "Sent to Amazon"),
    ("accepted", "Accepted by Amazon"),
    ("rejected", "Rejected by Amazon"),
]
ORDER_FEEDS_CRON = "amazon_connector.ir_cron_amazon_send_order_feeds"


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "amazon.order.reference.mixin"]

    amazon_order_ref = fields.Char(index="btree_not_null")
    amazon_refund_ref = fields.Char(
        string="Amazon Refund",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Amazon's refund this credit note books: each Amazon refund is booked once.",
    )
    amazon_refund_state = fields.Selection(
        AMAZON_REFUND_STATES,
        string="Amazon Refund Status",
        readonly=True,
        copy=False,
        tracking=True,
    )
    amazon_adjustment_reason = fields.Selection(
        amazon_value_selection(ADJUSTMENT_REASONS),
        string="Amazon Refund Reason",
        copy=False,
        help="The reason Amazon is given when this credit note is sent as a refund.",
    )
    amazon_refund_error = fields.Text(string="Amazon's Answer", readonly=True, copy=False)
    amazon_feed_id = fields.Many2one("amazon.feed", readonly=True, copy=False)
    amazon_vendor_invoice_state = fields.Selection(
        [
            ("to_send", "To send to Amazon"),
            ("sent", "Sent to Amazon"),
            ("done", "Accepted by Amazon"),
            ("failed", "Refused by Amazon"),
        ],
        string="Vendor Central Invoice",
        readonly=True,
        copy=False,
        tracking=True,
    )
    amazon_vendor_invoice_error = fields.Text(string="Amazon's Errors", readonly=True, copy=False)
    amazon_vendor_transaction_id = fields.Many2one(
        "amazon.vendor.transaction", string="Invoice Transaction", readonly=True, copy=False
    )

    _amazon_refund_uniq = models.UniqueIndex(
        "(amazon_account_id, amazon_refund_ref) WHERE amazon_refund_ref IS NOT NULL",
        "This Amazon refund is already booked.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for values in vals_list:
            if (
                values.get("move_type") == "out_refund"
                and values.get("amazon_account_id")
                and not values.get("amazon_adjustment_reason")
            ):
                values["amazon_adjustment_reason"] = AdjustmentReason.CUSTOMER_RETURN
        return super().create(vals_list)

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # A credit note made from an Amazon invoice belongs to the same Amazon order.
        default_values_list = default_values_list or [{} for _move in self]
        for move, values in zip(self, default_values_list, strict=True):
            if move.amazon_account_id:
                values.setdefault("amazon_account_id", move.amazon_account_id.id)
                values.setdefault("amazon_order_ref", move.amazon_order_ref)
                values.setdefault("amazon_channel", move.amazon_channel)
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # FBM: Amazon collected the buyer's payment; register it once the invoice is posted.
        to_pay = posted.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.amazon_channel == "fbm"
                and move.amazon_account_id.fbm_register_payment
            )
        )
        for account, invoices in to_pay.grouped("amazon_account_id").items():
            account._register_amazon_payments(invoices)
        vendor_invoices = posted.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.amazon_channel in ("vendor", "direct_fulfillment")
            )
        )
        vendor_invoices._amazon_send_vendor_invoice()
        posted.filtered(
            lambda move: (
                move.move_type == "out_refund"
                and move.amazon_account_id
                and not move.amazon_refund_state
            )
        )._amazon_decided_in_odoo()
        return posted

    def _amazon_decided_in_odoo(self):
        """Credit notes a person made for Amazon orders: FBM ones are sent to Amazon as
        refunds; Amazon refunds FBA orders itself, the credit note says so."""
        fba = self.filtered(lambda move: move.amazon_channel == "fba")
        fba.amazon_refund_state = "fba"
        for move in fba:
            move.message_post(
                body=self.env._(
                    "Amazon refunds the buyers of FBA orders itself: nothing is sent to Amazon. "
                    "Grant the refund in Seller Central if Amazon has not; Amazon's refund is "
                    "then matched with this credit note, not booked twice."
                )
            )
        (self - fba)._amazon_send_refund()

    def _amazon_send_refund(self):
        """Queue the credit notes for the order adjustment feed, sent shortly."""
        if not self:
            return
        self.write({"amazon_refund_state": "to_send", "amazon_refund_error": False})
        self.env.ref(ORDER_FEEDS_CRON)._trigger()

    def _amazon_send_vendor_invoice(self):
        if not self:
            return
        self.write({"amazon_vendor_invoice_state": "to_send", "amazon_vendor_invoice_error": False})
        self.env.ref("amazon_connector.ir_cron_amazon_vendor_submissions")._trigger()

    def action_amazon_send_vendor_invoice(self):
        """Send again an invoice Vendor Central refused."""
        self.filtered(
            lambda move: move.state == "posted" and move.amazon_vendor_invoice_state == "failed"
        )._amazon_send_vendor_invoice()
        return True

    def action_amazon_send_refund(self):
        """Send again a refund Amazon rejected (after its cause was fixed)."""
        self.filtered(
            lambda move: (
                move.state == "posted"
                and move.amazon_channel == "fbm"
                and move.amazon_refund_state == "rejected"
            )
        )._amazon_send_refund()
        return True

    def _amazon_expected_payment(self):
        """Per invoice, what Amazon pays for it: its residual, and for the invoice that
        completes an order, the rounding difference between Odoo's total and Amazon's."""
        amounts = []
        for invoice in self:
            amount = invoice.amount_residual
            order = invoice.line_ids.sale_line_ids.order_id[:1]
            if order.amazon_account_id and order.invoice_status == "invoiced":
                invoiced = sum(
                    move.amount_total if move.move_type == "out_invoice" else -move.amount_total
                    for move in order.invoice_ids
                    if move.state == "posted"
                )
                difference = order.amazon_total - invoiced
                if order._amazon_difference_is_rounding(difference):
                    amount += difference
            amounts.append(amount)
        return amounts
