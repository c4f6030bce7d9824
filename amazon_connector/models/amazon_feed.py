import json

from odoo import fields, models

FEED_STATES = [
    ("submitted", "Submitted"),
    ("done", "Processed"),
    ("fatal", "Rejected whole"),
]


class AmazonFeed(models.Model):
    """A JSON_LISTINGS_FEED sent to Amazon, until its processing report is read back."""

    _name = "amazon.feed"
    _description = "Amazon Feed"
    _order = "id desc"
    _rec_name = "feed_ref"

    account_id = fields.Many2one(
        "amazon.account", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    feed_ref = fields.Char(string="Amazon Feed ID", required=True, readonly=True)
    document_ref = fields.Char(string="Feed Document ID", readonly=True)
    feed_type = fields.Char(required=True, readonly=True)
    state = fields.Selection(FEED_STATES, default="submitted", required=True, readonly=True)
    message_count = fields.Integer(readonly=True)
    accepted_count = fields.Integer(readonly=True)
    error_count = fields.Integer(readonly=True)
    result = fields.Text(readonly=True, help="Amazon's verdict when the feed failed whole.")
    # message id -> [offer id, quantity or null, {marketplace id: price}]
    messages = fields.Text(readonly=True)

    def _message_map(self):
        self.ensure_one()
        return {int(key): value for key, value in json.loads(self.messages or "{}").items()}
