from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AmazonAccountMarketplace(models.Model):
    """How an account sells on one marketplace: the prices sent there, and the taxes of the
    orders imported from there."""

    _name = "amazon.account.marketplace"
    _description = "Amazon Marketplace Settings of an Account"
    _order = "account_id, marketplace_id"
    _check_company_auto = True

    account_id = fields.Many2one("amazon.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    marketplace_id = fields.Many2one("amazon.marketplace", required=True)
    currency_id = fields.Many2one(related="marketplace_id.currency_id")
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        ondelete="restrict",
        help="Prices of the account's offers on this marketplace. Leave empty to send no price.",
    )
    amazon_collects_tax = fields.Boolean(
        string="Amazon Collects the Tax",
        compute="_compute_tax_defaults",
        store=True,
        readonly=False,
        help="Amazon collects and remits the sales tax of every order here (marketplace "
        "facilitator, as in every US state): that tax is not the seller's, the order lines "
        "carry none. Items Amazon marks as marketplace-facilitator sales are treated so in "
        "any marketplace.",
    )
    prices_include_tax = fields.Boolean(
        string="Prices Include the Seller's Tax",
        compute="_compute_tax_defaults",
        store=True,
        readonly=False,
        help="Amazon's prices here include the seller's VAT (Europe, Japan...): the seller's "
        "taxes are applied tax-included, so an order of 23.80 is 23.80 in Odoo with the VAT "
        "inside.",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Seller's Taxes",
        check_company=True,
        domain="[('type_tax_use', '=', 'sale')]",
        help="Taxes of the orders whose tax the seller owes. Leave empty to use each product's "
        "taxes, mapped by the fiscal position.",
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        check_company=True,
        help="Fiscal position of this marketplace's orders. Leave empty to let Odoo choose it "
        "from the delivery address (OSS positions included).",
    )

    _account_marketplace_uniq = models.Constraint(
        "UNIQUE(account_id, marketplace_id)", "One line per marketplace and account."
    )

    @api.depends("marketplace_id")
    def _compute_tax_defaults(self):
        for line in self:
            line.amazon_collects_tax = line.marketplace_id.amazon_collects_tax
            line.prices_include_tax = line.marketplace_id.prices_include_tax

    @api.constrains("pricelist_id", "marketplace_id")
    def _check_currency(self):
        for line in self:
            if line.pricelist_id and line.pricelist_id.currency_id != line.currency_id:
                raise ValidationError(
                    self.env._(
                        "Prices on %(marketplace)s are in %(currency)s: choose a pricelist in "
                        "that currency.",
                        marketplace=line.marketplace_id.name,
                        currency=line.currency_id.name,
                    )
                )
