from odoo import fields, models

TRANSACTION_KINDS = [
    ("acknowledgement", "Acknowledgement"),
    ("shipment", "Shipment confirmation"),
    ("invoice", "Invoice"),
]
TRANSACTION_STATES = [
    ("processing", "Processing"),
    ("success", "Accepted"),
    ("failure", "Failed"),
]


class AmazonVendorTransaction(models.Model):
    """A submission to Vendor Central (acknowledgement, shipment confirmation, invoice):
    Amazon answers with a transaction id at once and processes it later; its outcome is read
    back with Vendor Transaction Status until Amazon accepted or refused it."""

    _name = "amazon.vendor.transaction"
    _description = "Amazon Vendor Transaction"
    _order = "id desc"
    _rec_name = "transaction_ref"

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    transaction_ref = fields.Char(string="Amazon Transaction", required=True, readonly=True)
    kind = fields.Selection(TRANSACTION_KINDS, required=True, readonly=True)
    state = fields.Selection(TRANSACTION_STATES, required=True, readonly=True, default="processing")
    sale_order_ids = fields.Many2many("sale.order", string="Purchase Orders", readonly=True)
    error = fields.Text(string="Amazon's Errors", readonly=True)
    checked_date = fields.Datetime(string="Last Checked", readonly=True)

    _account_transaction_uniq = models.Constraint(
        "UNIQUE(account_id, transaction_ref)", "This Amazon transaction is already recorded."
    )
