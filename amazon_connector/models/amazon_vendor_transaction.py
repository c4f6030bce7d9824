from odoo import api, fields, models

from ..amazon_sp.documents import parse_df_transaction_id, parse_transaction_status

TRANSACTION_KINDS = [
    ("acknowledgement", "Acknowledgement"),
    ("routing", "Routing request"),
    ("shipment", "Shipment confirmation"),
    ("invoice", "Invoice"),
    ("df_acknowledgement", "Direct fulfilment acknowledgement"),
    ("df_label", "Direct fulfilment label request"),
    ("df_shipment", "Direct fulfilment shipment confirmation"),
    ("df_invoice", "Direct fulfilment invoice"),
    ("df_inventory", "Direct fulfilment inventory"),
]
# Direct fulfilment submissions are read with the direct fulfilment transactions API.
DF_KINDS = frozenset(kind for kind, _label in TRANSACTION_KINDS if kind.startswith("df_"))
TRANSACTION_STATES = [
    ("processing", "Processing"),
    ("success", "Accepted"),
    ("failure", "Failed"),
]
# The service model told of each kind's outcome (`_transaction_done(transaction)`).
OUTCOME_HANDLERS = {
    "acknowledgement": "amazon.vendor.acknowledgement.exporter",
    "routing": "amazon.vendor.shipment.exporter",
    "shipment": "amazon.vendor.shipment.exporter",
    "invoice": "amazon.vendor.invoice.exporter",
    "df_acknowledgement": "amazon.df.acknowledgement.exporter",
    "df_label": "amazon.df.shipment.exporter",
    "df_shipment": "amazon.df.shipment.exporter",
    "df_invoice": "amazon.vendor.invoice.exporter",
    "df_inventory": "amazon.df.inventory.exporter",
}


class AmazonVendorTransaction(models.Model):
    """A submission to Vendor Central (acknowledgement, routing request, shipment
    confirmation, invoice): Amazon answers with a transaction id at once and processes it
    later; its outcome is read back with Vendor Transaction Status until Amazon accepted or
    refused it, and handed to the flow that sent it."""

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
    item_count = fields.Integer(
        string="Items", readonly=True, help="Inventory updates: the items the submission sent."
    )
    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    error = fields.Text(string="Amazon's Errors", readonly=True)
    checked_date = fields.Datetime(string="Last Checked", readonly=True)
    wire = fields.Selection(
        [("api", "Selling Partner API"), ("edi", "EDI over AS2")],
        required=True,
        default="api",
        readonly=True,
        help="EDI submissions are concluded by Amazon's 997, not read back from the API.",
    )

    _account_transaction_uniq = models.Constraint(
        "UNIQUE(account_id, transaction_ref)", "This Amazon transaction is already recorded."
    )

    @api.model
    def _record(self, account, kind, answer, **links):
        """The transaction Amazon answered a submission with (its 202), linked to what it
        is about (`sale_order_ids`, `picking_id`, `move_id`, `item_count`)."""
        if "sale_order_ids" in links:
            links["sale_order_ids"] = [fields.Command.set(links["sale_order_ids"].ids)]
        return self.create(
            {
                "account_id": account.id,
                "transaction_ref": parse_df_transaction_id(answer),
                "kind": kind,
                **links,
            }
        )

    @api.model
    def _read_outcomes(self, account, client):
        """Ask Amazon how the account's processing transactions ended; each final one is
        handed to the flow that sent it. Returns how many are still processing."""
        pending = self.search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "processing"),
                ("wire", "=", "api"),
            ]
        )
        for transaction in pending:
            read = (
                client.get_df_transaction
                if transaction.kind in DF_KINDS
                else client.get_transaction
            )
            status = parse_transaction_status(read(transaction.transaction_ref))
            values = {"checked_date": fields.Datetime.now()}
            if status.is_final:
                values["state"] = "success" if status.succeeded else "failure"
                if not status.succeeded:
                    values["error"] = status.error_text() or self.env._(
                        "Amazon refused it without saying why."
                    )
            transaction.write(values)
            if status.is_final:
                self.env[OUTCOME_HANDLERS[transaction.kind]]._transaction_done(transaction)
        return len(pending.filtered(lambda t: t.state == "processing"))

    def _conclude(self, succeeded, error=None):
        """Amazon's verdict on a submission that is not read back (an EDI file's 997),
        handed to the flow that sent it as the API's transaction status is."""
        for transaction in self.filtered(lambda t: t.state == "processing"):
            transaction.write(
                {
                    "state": "success" if succeeded else "failure",
                    "error": False if succeeded else error,
                    "checked_date": fields.Datetime.now(),
                }
            )
            self.env[OUTCOME_HANDLERS[transaction.kind]]._transaction_done(transaction)
