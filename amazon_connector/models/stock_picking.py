from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_order_ref = fields.Char(related="sale_id.amazon_order_ref", string="Amazon Order")
