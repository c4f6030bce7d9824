from odoo import fields, models

from ..amazon_sp.documents import Address


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

    def _amazon_address(self):
        """This partner's address as Amazon's documents take it."""
        self.ensure_one()
        return Address(
            name=self.name or "",
            company="",
            street=self.street or "",
            street2=self.street2 or "",
            city=self.city or "",
            state=self.state_id.code or "",
            zip=self.zip or "",
            country_code=self.country_id.code or "",
            phone=self.phone or "",
        )
