from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    amazon_address_key = fields.Char(
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Digest of an Amazon delivery address and its customer: the same address on a "
        "later order reuses this contact instead of creating another.",
    )
    amazon_buyer = fields.Boolean(
        copy=False,
        readonly=True,
        help="Made by the Amazon import for a buyer (one customer per buyer): anonymised "
        "with the buyer data of the buyer's orders.",
    )

    _amazon_buyer_idx = models.Index("(company_id) WHERE amazon_buyer IS TRUE")
