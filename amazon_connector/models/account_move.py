from odoo import fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "amazon.order.reference.mixin"]

    amazon_order_ref = fields.Char(index="btree_not_null")
