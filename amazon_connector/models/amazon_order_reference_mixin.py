import re

from odoo import fields, models

AMAZON_CHANNELS = [
    ("fba", "Fulfilled by Amazon (FBA)"),
    ("fbm", "Fulfilled by Merchant (FBM)"),
    ("vendor", "Vendor Central purchase order"),
    ("direct_fulfillment", "Vendor direct fulfilment"),
]


def amazon_value_selection(values):
    """A selection of Amazon's CamelCase wire values, labelled in words: NoInventory ->
    "No inventory" (and Amazon's ProductOutofStock -> "Product out of stock")."""
    return [
        (value, re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value).capitalize().replace("outof", "out of"))
        for value in values
    ]


class AmazonOrderReferenceMixin(models.AbstractModel):
    """The Amazon order a document (sale order, invoice, credit note) belongs to."""

    _name = "amazon.order.reference.mixin"
    _description = "Amazon Order Reference"

    amazon_account_id = fields.Many2one(
        "amazon.account", index="btree_not_null", readonly=True, copy=False
    )
    amazon_order_ref = fields.Char(
        string="Amazon Order",
        readonly=True,
        copy=False,
        help="Amazon's order id, unique per Amazon account.",
    )
    amazon_channel = fields.Selection(
        AMAZON_CHANNELS, string="Amazon Fulfilment", readonly=True, copy=False
    )
