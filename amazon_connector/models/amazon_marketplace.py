from odoo import api, fields, models

AMAZON_REGIONS = [
    ("na", "North America"),
    ("eu", "Europe"),
    ("fe", "Far East"),
]


class AmazonMarketplace(models.Model):
    _name = "amazon.marketplace"
    _description = "Amazon Marketplace"
    _order = "region, name"

    name = fields.Char(required=True, translate=True)
    marketplace_id = fields.Char(
        string="Marketplace ID",
        required=True,
        help="Amazon's identifier of the marketplace, e.g. ATVPDKIKX0DER for the United States.",
    )
    country_id = fields.Many2one("res.country", required=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, help="Currency of the marketplace's orders and prices."
    )
    region = fields.Selection(
        AMAZON_REGIONS, required=True, help="The SP-API region that serves this marketplace."
    )
    domain = fields.Char(help="The marketplace's web site, e.g. amazon.de.")
    prices_include_tax = fields.Boolean(
        default=True,
        help="Prices on this marketplace include VAT (default of the accounts selling here).",
    )
    amazon_collects_tax = fields.Boolean(
        help="Amazon collects and remits the sales tax of every sale on this marketplace "
        "(default of the accounts selling here).",
    )
    active = fields.Boolean(default=True)

    _marketplace_id_uniq = models.Constraint(
        "UNIQUE(marketplace_id)", "An Amazon marketplace ID can exist only once."
    )

    @api.depends("name", "domain")
    def _compute_display_name(self):
        for marketplace in self:
            if marketplace.domain:
                marketplace.display_name = f"{marketplace.name} ({marketplace.domain})"
            else:
                marketplace.display_name = marketplace.name
