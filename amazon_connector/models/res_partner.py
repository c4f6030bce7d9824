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
