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

    def _amazon_expected_payment(self):
        """Per invoice, what Amazon pays for it: its residual, and for the invoice that
        completes an order, the rounding difference between Odoo's total and Amazon's."""
        amounts = []
        for invoice in self:
            amount = invoice.amount_residual
            order = invoice.line_ids.sale_line_ids.order_id[:1]
            if order.amazon_account_id and order.invoice_status == "invoiced":
                invoiced = sum(
                    move.amount_total if move.move_type == "out_invoice" else -move.amount_total
                    for move in order.invoice_ids
                    if move.state == "posted"
                )
                difference = order.amazon_total - invoiced
                if order._amazon_difference_is_rounding(difference):
                    amount += difference
            amounts.append(amount)
        return amounts
