from odoo import api, fields, models

from ..amazon_sp.documents import CANCEL_REASONS, CancelReason
from .account_move import ORDER_FEEDS_CRON
from .amazon_order_reference_mixin import amazon_value_selection

# Amazon's FulfillmentStatus values (Orders API 2026-01-01).
AMAZON_ORDER_STATUSES = [
    ("PENDING_AVAILABILITY", "Pending availability"),
    ("PENDING", "Pending"),
    ("UNSHIPPED", "Unshipped"),
    ("PARTIALLY_SHIPPED", "Partially shipped"),
    ("SHIPPED", "Shipped"),
    ("CANCELLED", "Cancelled"),
    ("UNFULFILLABLE", "Unfulfillable"),
]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "amazon.order.reference.mixin"]

    amazon_marketplace_id = fields.Many2one("amazon.marketplace", readonly=True, copy=False)
    amazon_status = fields.Selection(
        AMAZON_ORDER_STATUSES,
        readonly=True,
        copy=False,
        help="The order's status on Amazon at the last import.",
    )
    amazon_last_update = fields.Datetime(
        readonly=True, copy=False, help="When Amazon last changed the order, as last imported."
    )
    amazon_total = fields.Monetary(
        readonly=True,
        copy=False,
        help="What Amazon owes the seller for the order before its fees: what the buyer paid, "
        "less the tax Amazon collects and remits itself.",
    )
    amazon_collected_tax = fields.Monetary(
        string="Tax Collected by Amazon",
        readonly=True,
        copy=False,
        help="Sales tax the buyer paid that Amazon collects and remits (marketplace "
        "facilitator): not the seller's, so not on the order's lines.",
    )
    amazon_buyer_total = fields.Monetary(
        string="Paid by the Buyer",
        compute="_compute_amazon_buyer_total",
        help="What the buyer paid Amazon: the Amazon total and the tax Amazon collected.",
    )
    amazon_total_mismatch = fields.Boolean(
        compute="_compute_amazon_total_mismatch",
        store=True,
        help="The order's total in Odoo differs from Amazon's by more than the account's "
        "rounding tolerance (taxes, prices): check the fiscal setup of its products and "
        "marketplace before invoicing.",
    )
    amazon_buyer_data_removal_date = fields.Datetime(
        string="Buyer Data Removed",
        readonly=True,
        copy=False,
        help="When the buyer's personal data of this order was anonymised, as Amazon's data "
        "protection policy asks once the retention after delivery has passed.",
    )

    amazon_cancel_reason = fields.Selection(
        amazon_value_selection(CANCEL_REASONS),
        string="Cancel Reason for Amazon",
        copy=False,
        help="The reason Amazon is given when this FBM order is cancelled in Odoo.",
    )
    amazon_cancel_state = fields.Selection(
        [
            ("to_send", "To send to Amazon"),
            ("sent", "Sent to Amazon"),
            ("accepted", "Cancelled on Amazon"),
            ("rejected", "Rejected by Amazon"),
        ],
        string="Amazon Cancellation",
        readonly=True,
        copy=False,
        tracking=True,
    )
    amazon_cancel_error = fields.Text(string="Amazon's Answer", readonly=True, copy=False)
    amazon_feed_id = fields.Many2one("amazon.feed", readonly=True, copy=False)
    amazon_refund_ids = fields.One2many(
        "amazon.refund",
        "sale_order_id",
        string="Amazon Refunds",
        readonly=True,
        groups="amazon_connector.group_amazon_user,account.group_account_invoice",
    )

    _amazon_order_uniq = models.UniqueIndex(
        "(amazon_account_id, amazon_order_ref) WHERE amazon_order_ref IS NOT NULL",
        "This Amazon order is already imported for this Amazon account.",
    )
    # The daily anonymisation looks at the orders whose buyer data is still kept.
    _amazon_buyer_data_kept_idx = models.Index(
        "(amazon_account_id) WHERE amazon_account_id IS NOT NULL "
        "AND amazon_buyer_data_removal_date IS NULL"
    )

    @api.depends("amazon_total", "amazon_collected_tax")
    def _compute_amazon_buyer_total(self):
        for order in self:
            order.amazon_buyer_total = order.amazon_total + order.amazon_collected_tax

    @api.depends("amazon_account_id.rounding_tolerance", "amazon_total", "amount_total", "state")
    def _compute_amazon_total_mismatch(self):
        for order in self:
            order.amazon_total_mismatch = bool(
                order.amazon_account_id
                and order.state != "cancel"
                and not order._amazon_difference_is_rounding(
                    order.amazon_total - order.amount_total
                )
            )

    def _amazon_difference_is_rounding(self, difference):
        """Within the account's tolerance: written off rather than flagged."""
        self.ensure_one()
        currency = self.currency_id
        tolerance = self.amazon_account_id.rounding_tolerance
        return currency.compare_amounts(abs(difference), tolerance) <= 0

    def _prepare_confirmation_values(self):
        values = super()._prepare_confirmation_values()
        if self and all(order.amazon_account_id for order in self):
            # The order date of an Amazon order is when the buyer placed it, not confirmation.
            values.pop("date_order", None)
        return values

    def _action_cancel(self):
        # An FBM order cancelled in Odoo before Amazon did: Amazon is told (the buyer is
        # refunded, no late shipment is counted). Orders Amazon cancelled are not sent back.
        to_tell = self.filtered(
            lambda order: (
                order.amazon_channel == "fbm"
                and order.amazon_status not in ("CANCELLED", "SHIPPED")
                and order.state != "cancel"
            )
        )
        result = super()._action_cancel()
        to_tell._amazon_send_cancellation()
        return result

    def _amazon_send_cancellation(self):
        if not self:
            return
        for order in self.filtered(lambda order: not order.amazon_cancel_reason):
            order.amazon_cancel_reason = CancelReason.GENERAL_ADJUSTMENT
        self.write({"amazon_cancel_state": "to_send", "amazon_cancel_error": False})
        self.env.ref(ORDER_FEEDS_CRON)._trigger()

    def action_amazon_send_cancellation(self):
        """Send again a cancellation Amazon rejected."""
        self.filtered(
            lambda order: order.state == "cancel" and order.amazon_cancel_state == "rejected"
        )._amazon_send_cancellation()
        return True

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.amazon_account_id:
            values.update(
                amazon_account_id=self.amazon_account_id.id,
                amazon_order_ref=self.amazon_order_ref,
                amazon_channel=self.amazon_channel,
            )
        return values


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    amazon_order_item_id = fields.Char(
        readonly=True, copy=False, help="Amazon's id of the order item this line sells."
    )

    def _prepare_qty_invoiced(self):
        # A refund Amazon made is money given back, not units to invoice again: its credit
        # note is on the order, but the invoiced quantity stays (a return picking brings
        # the units back without changing what was delivered).
        quantities = super()._prepare_qty_invoiced()
        for line in self:
            for invoice_line in line._get_invoice_lines():
                move = invoice_line.move_id
                if move.amazon_refund_state == "amazon" and move.state != "cancel":
                    quantities[line] += invoice_line.product_uom_id._compute_quantity(
                        invoice_line.quantity, line.product_uom_id
                    )
        return quantities
