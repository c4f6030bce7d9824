from odoo import api, fields, models

from .amazon_order_reference_mixin import AMAZON_CHANNELS


class AmazonOffer(models.Model):
    _name = "amazon.offer"
    _description = "Amazon Offer"
    _order = "account_id, sku"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account",
        string="Amazon Account",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    marketplace_id = fields.Many2one(
        "amazon.marketplace",
        help="Leave empty when the SKU is the same offer on every marketplace of the account.",
    )
    sku = fields.Char(string="SKU", required=True, help="The seller's SKU on Amazon.")
    asin = fields.Char(string="ASIN")
    product_id = fields.Many2one(
        "product.product", required=True, index=True, check_company=True, ondelete="restrict"
    )
    fulfillment_channel = fields.Selection(
        AMAZON_CHANNELS, string="Fulfilment", required=True, default="fbm"
    )
    active = fields.Boolean(default=True)

    # An offer without marketplace must be unique too: NULL never equals NULL in UNIQUE.
    _sku_uniq = models.UniqueIndex(
        "(account_id, COALESCE(marketplace_id, 0), sku)",
        "This SKU already has an offer for this account and marketplace.",
    )

    @api.depends("sku", "marketplace_id")
    def _compute_display_name(self):
        for offer in self:
            suffix = f" ({offer.marketplace_id.name})" if offer.marketplace_id else ""
            offer.display_name = f"{offer.sku}{suffix}"
