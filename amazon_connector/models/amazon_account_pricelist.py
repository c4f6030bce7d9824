from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AmazonAccountPricelist(models.Model):
    """The pricelist whose prices an account's offers get on one marketplace."""

    _name = "amazon.account.pricelist"
    _description = "Amazon Marketplace Pricelist"

    account_id = fields.Many2one("amazon.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    marketplace_id = fields.Many2one("amazon.marketplace", required=True)
    pricelist_id = fields.Many2one(
        "product.pricelist", required=True, check_company=True, ondelete="restrict"
    )
    currency_id = fields.Many2one(related="marketplace_id.currency_id")

    _account_marketplace_uniq = models.Constraint(
        "UNIQUE(account_id, marketplace_id)", "One pricelist per marketplace and account."
    )

    @api.constrains("pricelist_id", "marketplace_id")
    def _check_currency(self):
        for line in self:
            if line.pricelist_id.currency_id != line.marketplace_id.currency_id:
                raise ValidationError(
                    self.env._(
                        "Prices on %(marketplace)s are in %(currency)s: choose a pricelist in "
                        "that currency.",
                        marketplace=line.marketplace_id.name,
                        currency=line.marketplace_id.currency_id.name,
                    )
                )
