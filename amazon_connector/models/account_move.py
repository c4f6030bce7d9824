from odoo import fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "amazon.order.reference.mixin"]

    amazon_order_ref = fields.Char(index="btree_not_null")

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # FBM: Amazon collected the buyer's payment; register it once the invoice is posted.
        to_pay = posted.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.amazon_channel == "fbm"
                and move.amazon_account_id.fbm_register_payment
            )
        )
        for account, invoices in to_pay.grouped("amazon_account_id").items():
            account._register_amazon_payments(invoices)
        return posted
