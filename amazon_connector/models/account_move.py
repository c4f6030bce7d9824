from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    amazon_account_id = fields.Many2one(
        "amazon.account",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    amazon_order_ref = fields.Char(
        string="Amazon Order",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The Amazon order this invoice or credit note belongs to.",
    )
