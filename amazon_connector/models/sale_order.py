from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..amazon_sp.documents import (
    CANCEL_REASONS,
    DF_ACKNOWLEDGEMENT_DESCRIPTIONS,
    PURCHASE_ORDER_STATES,
    PURCHASE_ORDER_TYPES,
    REJECTION_REASONS,
    CancelReason,
)
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
    amazon_ship_by = fields.Datetime(
        string="Ship By (Amazon)",
        readonly=True,
        copy=False,
        help="The end of the ship-by window Amazon promised the buyer: a merchant-fulfilled "
        "order not shipped by then is late.",
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

    # Vendor Central purchase orders
    amazon_po_state = fields.Selection(
        amazon_value_selection(PURCHASE_ORDER_STATES),
        string="Purchase Order State",
        readonly=True,
        copy=False,
        help="The purchase order's state in Vendor Central at the last import.",
    )
    amazon_po_type = fields.Selection(
        amazon_value_selection(PURCHASE_ORDER_TYPES),
        string="Purchase Order Type",
        readonly=True,
        copy=False,
    )
    amazon_selling_party = fields.Char(
        string="Vendor Code", readonly=True, copy=False, help="Amazon's selling party."
    )
    amazon_ship_window_start = fields.Datetime(string="Ship From", readonly=True, copy=False)
    amazon_ship_window_end = fields.Datetime(string="Ship By", readonly=True, copy=False)
    amazon_delivery_window_start = fields.Datetime(string="Deliver From", readonly=True, copy=False)
    amazon_delivery_window_end = fields.Datetime(string="Deliver By", readonly=True, copy=False)
    amazon_ack_state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("to_send", "To send"),
            ("sent", "Sent to Amazon"),
            ("done", "Acknowledged"),
            ("failed", "Failed"),
        ],
        string="Acknowledgement",
        readonly=True,
        copy=False,
        tracking=True,
        help="Proposed: the quantities below are what stock covers; change them if needed, "
        "then Acknowledge.",
    )
    amazon_ack_error = fields.Text(string="Amazon's Errors", readonly=True, copy=False)
    amazon_transaction_id = fields.Many2one(
        "amazon.vendor.transaction", string="Acknowledgement Transaction", readonly=True, copy=False
    )

    # Vendor direct fulfilment orders (Amazon's customer is the delivery address)
    amazon_df_ship_from = fields.Char(
        string="Amazon Ship-from", readonly=True, copy=False, help="Amazon's warehouse code."
    )
    amazon_df_customer_order_ref = fields.Char(
        string="Amazon Customer Order", readonly=True, copy=False
    )
    amazon_df_ship_method = fields.Char(string="Ship Method", readonly=True, copy=False)
    amazon_df_promised_delivery = fields.Datetime(
        string="Promised Delivery", readonly=True, copy=False
    )
    amazon_df_priority = fields.Boolean(string="Priority Shipment", readonly=True, copy=False)
    amazon_df_gift = fields.Boolean(string="Gift", readonly=True, copy=False)
    amazon_df_gift_message = fields.Text(
        string="Gift Message",
        readonly=True,
        copy=False,
        help="Amazon's customer's message, removed with the buyer data.",
    )
    amazon_df_packing_slip_required = fields.Boolean(
        string="Packing Slip Required", readonly=True, copy=False
    )
    amazon_df_ack_code = fields.Selection(
        [(code, f"{code} {label}") for code, label in DF_ACKNOWLEDGEMENT_DESCRIPTIONS.items()],
        string="Acknowledged As",
        readonly=True,
        copy=False,
        help="Amazon's acknowledgement code sent for this direct fulfilment order: 00 accepts "
        "it whole, the others reject it with their reason.",
    )
    amazon_df_send_alone = fields.Boolean(readonly=True, copy=False)

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

    def action_amazon_acknowledge(self):
        """Send the acknowledgement of these purchase orders as their lines propose it."""
        self._amazon_send_acknowledgement()
        return True

    def _amazon_send_acknowledgement(self):
        orders = self.filtered(
            lambda o: (
                o.amazon_channel in ("vendor", "direct_fulfillment")
                and o.amazon_ack_state in ("proposed", "failed")
            )
        )
        if not orders:
            return
        orders.order_line._check_amazon_acknowledgement()
        orders.write({"amazon_ack_state": "to_send", "amazon_ack_error": False})
        self.env.ref("amazon_connector.ir_cron_amazon_vendor_submissions")._trigger()

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.amazon_account_id:
            values.update(
                amazon_account_id=self.amazon_account_id.id,
                amazon_order_ref=self.amazon_order_ref,
                amazon_channel=self.amazon_channel,
            )
            journal = self.amazon_account_id.vendor_journal_id
            if self.amazon_channel in ("vendor", "direct_fulfillment") and journal:
                values["journal_id"] = journal.id
        return values


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    amazon_order_item_id = fields.Char(
        readonly=True, copy=False, help="Amazon's id of the order item this line sells."
    )

    # Vendor Central: the item of the purchase order, and the acknowledgement proposed for it
    amazon_item_sequence = fields.Char(string="Amazon Item", readonly=True, copy=False)
    amazon_asin = fields.Char(string="ASIN", readonly=True, copy=False)
    amazon_vendor_product_ref = fields.Char(string="Vendor Product ID", readonly=True, copy=False)
    amazon_ordered_qty = fields.Float(
        string="Ordered by Amazon", readonly=True, copy=False, digits="Product Unit"
    )
    amazon_quantity_unit = fields.Selection(
        [("Eaches", "Units"), ("Cases", "Cases")], string="Ordered In", readonly=True, copy=False
    )
    amazon_unit_size = fields.Integer(string="Case Size", readonly=True, copy=False, default=1)
    amazon_back_order_allowed = fields.Boolean(readonly=True, copy=False)
    amazon_net_cost = fields.Float(string="Amazon's Net Cost", readonly=True, copy=False)
    amazon_accepted_qty = fields.Float(string="Accept", copy=False, digits="Product Unit")
    amazon_backordered_qty = fields.Float(string="Back-order", copy=False, digits="Product Unit")
    amazon_rejected_qty = fields.Float(string="Reject", copy=False, digits="Product Unit")
    amazon_rejection_reason = fields.Selection(
        amazon_value_selection(REJECTION_REASONS), string="Rejection Reason", copy=False
    )

    @api.onchange("amazon_accepted_qty")
    def _onchange_amazon_accepted_qty(self):
        """What is not accepted is back-ordered or rejected, as the account's policy says."""
        for line in self.filtered("amazon_item_sequence"):
            short = max(0.0, line.amazon_ordered_qty - line.amazon_accepted_qty)
            policy = line.order_id.amazon_account_id.vendor_shortage_policy
            backorder = policy == "backorder" and line.amazon_back_order_allowed
            line.amazon_backordered_qty = short if backorder else 0.0
            line.amazon_rejected_qty = 0.0 if backorder else short
            if line.amazon_rejected_qty and not line.amazon_rejection_reason:
                line.amazon_rejection_reason = "TemporarilyUnavailable"

    @api.constrains(
        "amazon_accepted_qty", "amazon_backordered_qty", "amazon_rejected_qty", "amazon_ordered_qty"
    )
    def _check_amazon_acknowledgement(self):
        for line in self.filtered("amazon_item_sequence"):
            quantities = (
                line.amazon_accepted_qty,
                line.amazon_backordered_qty,
                line.amazon_rejected_qty,
            )
            if min(quantities) < 0 or sum(quantities) != line.amazon_ordered_qty:
                raise ValidationError(
                    self.env._(
                        "Item %(item)s of purchase order %(po)s: accepted, back-ordered and "
                        "rejected quantities must add up to the %(ordered)s units Amazon ordered.",
                        item=line.amazon_item_sequence,
                        po=line.order_id.amazon_order_ref,
                        ordered=line.amazon_ordered_qty,
                    )
                )
            if line.amazon_rejected_qty and not line.amazon_rejection_reason:
                raise ValidationError(
                    self.env._(
                        "Item %(item)s of purchase order %(po)s: give Amazon the reason of the "
                        "rejected units.",
                        item=line.amazon_item_sequence,
                        po=line.order_id.amazon_order_ref,
                    )
                )
            size = line.amazon_unit_size if line.amazon_quantity_unit == "Cases" else 1
            if size > 1 and any(quantity % size for quantity in quantities):
                raise ValidationError(
                    self.env._(
                        "Item %(item)s of purchase order %(po)s is ordered in cases of "
                        "%(size)s: acknowledge whole cases.",
                        item=line.amazon_item_sequence,
                        po=line.order_id.amazon_order_ref,
                        size=size,
                    )
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
