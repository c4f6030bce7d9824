from odoo import fields, models

RETURN_STATES = [
    ("done", "Back in stock"),
    ("issue", "To check"),
]


class AmazonFbaReturn(models.Model):
    """A line of Amazon's FBA customer returns report: units a buyer sent back to Amazon,
    put back in the FBA warehouse when sellable, aside in 'damaged at Amazon' otherwise."""

    _name = "amazon.fba.return"
    _description = "Amazon FBA Customer Return"
    _order = "return_date desc, id desc"
    _rec_name = "order_ref"

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    return_key = fields.Char(required=True, readonly=True, help="Amazon's line, made unique.")
    order_ref = fields.Char(string="Amazon Order", readonly=True)
    sku = fields.Char(string="SKU", readonly=True)
    quantity = fields.Integer(readonly=True)
    disposition = fields.Char(readonly=True, help="Amazon's detailed disposition.")
    reason = fields.Char(readonly=True)
    return_date = fields.Datetime(readonly=True)
    sellable = fields.Boolean(readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    move_id = fields.Many2one("stock.move", string="Stock Move", readonly=True)
    state = fields.Selection(RETURN_STATES, required=True, readonly=True, default="issue")
    problem = fields.Char(readonly=True, help="Why the units were not put back yet.")

    _account_return_uniq = models.Constraint(
        "UNIQUE(account_id, return_key)", "This Amazon return line is already recorded."
    )

    def action_retry(self):
        """Put back what is to check, once its order or SKU is known."""
        importer = self.env["amazon.return.importer"].sudo()
        for account, returns in (
            self.filtered(lambda r: r.state == "issue").grouped("account_id").items()
        ):
            importer._put_back(account, returns.sudo())
        return True
