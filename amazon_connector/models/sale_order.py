from odoo import fields, models

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
AMAZON_CHANNELS = [
    ("fba", "Fulfilled by Amazon (FBA)"),
    ("fbm", "Fulfilled by Merchant (FBM)"),
]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "amazon.order.reference.mixin"]

    amazon_marketplace_id = fields.Many2one("amazon.marketplace", readonly=True, copy=False)
    amazon_channel = fields.Selection(
        AMAZON_CHANNELS, string="Amazon Fulfilment", readonly=True, copy=False
    )
    amazon_status = fields.Selection(
        AMAZON_ORDER_STATUSES,
        readonly=True,
        copy=False,
        help="The order's status on Amazon at the last import.",
    )

    _amazon_order_uniq = models.UniqueIndex(
        "(amazon_account_id, amazon_order_ref) WHERE amazon_order_ref IS NOT NULL",
        "This Amazon order is already imported for this Amazon account.",
    )
