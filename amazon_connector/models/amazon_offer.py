import json

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
    reserve_type = fields.Selection(
        [("account", "Account's reserve"), ("fixed", "Fixed quantity"), ("percent", "Percent")],
        string="Safety Reserve",
        default="account",
        required=True,
        help="Stock kept back from Amazon for this offer.",
    )
    reserve = fields.Float(help="Units, or percent of the free stock.")
    amazon_quantity = fields.Integer(
        string="Quantity on Amazon", readonly=True, help="Last quantity Amazon accepted."
    )
    amazon_prices = fields.Char(
        readonly=True, help="Last prices Amazon accepted, by marketplace id (JSON)."
    )
    amazon_export_date = fields.Datetime(string="Last Accepted", readonly=True, copy=False)
    amazon_export_state = fields.Selection(
        [("pending", "Sent, waiting for Amazon"), ("done", "Accepted"), ("error", "Rejected")],
        string="Amazon Update",
        readonly=True,
        copy=False,
    )
    amazon_export_error = fields.Text(readonly=True, copy=False)
    amazon_feed_id = fields.Many2one(
        "amazon.feed", readonly=True, copy=False, index="btree_not_null"
    )

    # An offer without marketplace must be unique too: NULL never equals NULL in UNIQUE.
    _sku_uniq = models.UniqueIndex(
        "(account_id, COALESCE(marketplace_id, 0), sku)",
        "This SKU already has an offer for this account and marketplace.",
    )

    def _reserve(self):
        """(kind, value) of the safety reserve that applies: the offer's or its account's."""
        self.ensure_one()
        if self.reserve_type == "account":
            return self.account_id.stock_reserve_type, self.account_id.stock_reserve
        return self.reserve_type, self.reserve

    def _sent_prices(self):
        return json.loads(self.amazon_prices or "{}")

    def _record_export(self, sent, error):
        """Amazon's verdict on what was sent: `sent` has quantity (or None) and prices."""
        self.ensure_one()
        if error:
            self.write(
                {
                    "amazon_export_state": "error",
                    "amazon_export_error": error,
                    "amazon_feed_id": False,
                }
            )
            return
        values = {
            "amazon_export_state": "done",
            "amazon_export_error": False,
            "amazon_export_date": fields.Datetime.now(),
            "amazon_feed_id": False,
        }
        if sent.get("quantity") is not None:
            values["amazon_quantity"] = sent["quantity"]
        if sent.get("prices"):
            values["amazon_prices"] = json.dumps({**self._sent_prices(), **sent["prices"]})
        self.write(values)

    @api.depends("sku", "marketplace_id")
    def _compute_display_name(self):
        for offer in self:
            suffix = f" ({offer.marketplace_id.name})" if offer.marketplace_id else ""
            offer.display_name = f"{offer.sku}{suffix}"
