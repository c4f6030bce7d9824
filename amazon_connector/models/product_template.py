from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    amazon_backorderable = fields.Boolean(
        string="Back-orderable on Amazon",
        help="Sold on Amazon whatever the stock (made or bought to order): its FBM offers "
        "are sent with the account's back-order quantity instead of the free stock.",
    )
