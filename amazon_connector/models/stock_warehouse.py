from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    is_amazon_fba = fields.Boolean(
        string="Amazon FBA Stock",
        help="This warehouse is the stock Amazon holds in its fulfilment centres (FBA): orders "
        "fulfilled by Amazon are delivered from it, and its stock is never offered for "
        "merchant-fulfilled (FBM) selling.",
    )
