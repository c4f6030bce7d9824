import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..amazon_sp import AccountCredentials, AmazonClient, AmazonError
from ..amazon_sp.documents import AmazonDocumentError, parse_marketplace_participations
from .amazon_marketplace import AMAZON_REGIONS

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "amazon_connector.group_amazon_manager"
ACCOUNT_STATES = [
    ("draft", "Not connected"),
    ("connected", "Connected"),
    ("error", "Error"),
]


class AmazonAccount(models.Model):
    _name = "amazon.account"
    _description = "Amazon Account"
    _inherit = ["mail.thread"]
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        ACCOUNT_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True
    )
    last_error = fields.Text(
        readonly=True, copy=False, help="What Amazon said the last time an exchange failed."
    )
    last_check_date = fields.Datetime(string="Last Connection Check", readonly=True, copy=False)
    seller_id = fields.Char(
        string="Seller ID", help="The merchant token of the account (Seller Central > Settings)."
    )
    region = fields.Selection(AMAZON_REGIONS, required=True, default="na")

    # Credentials: administrators only, never tracked, blanked by data/neutralize.sql.
    lwa_client_id = fields.Char(string="LWA Client ID", groups=MANAGER_GROUP, copy=False)
    lwa_client_secret = fields.Char(string="LWA Client Secret", groups=MANAGER_GROUP, copy=False)
    refresh_token = fields.Char(groups=MANAGER_GROUP, copy=False)
    api_endpoint = fields.Char(
        string="API Endpoint",
        groups=MANAGER_GROUP,
        help="Replaces Amazon's SP-API host of the region (sandbox, local emulator). "
        "Leave empty for Amazon.",
    )
    lwa_endpoint = fields.Char(
        string="Token Endpoint",
        groups=MANAGER_GROUP,
        help="Replaces Login with Amazon's token URL (sandbox, local emulator). "
        "Leave empty for Amazon.",
    )

    marketplace_ids = fields.Many2many(
        "amazon.marketplace",
        string="Marketplaces",
        help="The marketplaces the account sells on; Test connection fills them from Amazon.",
    )
    fba_partner_id = fields.Many2one(
        "res.partner",
        string="FBA Customer",
        check_company=True,
        help="Customer of the orders Amazon fulfils (FBA), e.g. 'Direct from Amazon'.",
    )
    fbm_partner_id = fields.Many2one(
        "res.partner",
        string="FBM Customer",
        check_company=True,
        help="Customer of the orders the company fulfils (FBM), "
        "e.g. 'Locally fulfilled Amazon Orders'.",
    )
    fba_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="FBA Warehouse",
        check_company=True,
        domain="[('is_amazon_fba', '=', True)]",
        help="The stock Amazon holds for this account in its fulfilment centres.",
    )
    fbm_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="FBM Warehouse",
        check_company=True,
        domain="[('is_amazon_fba', '=', False)]",
        help="The warehouse that ships the orders the company fulfils itself.",
    )
    payment_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Journal where the payments Amazon collects from buyers are registered.",
    )
    order_count = fields.Integer(compute="_compute_order_count")
    offer_count = fields.Integer(compute="_compute_offer_count")

    def _compute_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("amazon_account_id", "in", self.ids)], ["amazon_account_id"], ["__count"]
            )
        )
        for account in self:
            account.order_count = counts.get(account, 0)

    def _compute_offer_count(self):
        counts = dict(
            self.env["amazon.offer"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.offer_count = counts.get(account, 0)

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._set_default_partners()
        return accounts

    def _set_default_partners(self):
        """Each account gets its channel customers unless the administrator chose others."""
        for account in self:
            defaults = {}
            if not account.fba_partner_id:
                defaults["fba_partner_id"] = account._create_channel_partner(
                    self.env._("Direct from Amazon")
                ).id
            if not account.fbm_partner_id:
                defaults["fbm_partner_id"] = account._create_channel_partner(
                    self.env._("Locally fulfilled Amazon Orders")
                ).id
            if not account.fbm_warehouse_id:
                warehouse = self.env["stock.warehouse"].search(
                    [("company_id", "=", account.company_id.id), ("is_amazon_fba", "=", False)],
                    limit=1,
                )
                if warehouse:
                    defaults["fbm_warehouse_id"] = warehouse.id
            if defaults:
                account.write(defaults)

    def _create_channel_partner(self, name):
        return self.env["res.partner"].create(
            {"name": name, "company_id": self.company_id.id, "is_company": True}
        )

    # ------------------------------------------------------------------ Amazon client

    def _amazon_client(self):
        """An AmazonClient of this account (close it, or use it as a context manager).

        Credentials are read with sudo: users and crons may exchange with Amazon through the
        account, but only administrators can read or change the credentials themselves.
        """
        self.ensure_one()
        account = self.sudo()
        credentials = AccountCredentials(
            client_id=account.lwa_client_id or "",
            client_secret=account.lwa_client_secret or "",
            refresh_token=account.refresh_token or "",
        )
        return AmazonClient(
            credentials,
            account.region,
            api_endpoint=account.api_endpoint or None,
            lwa_endpoint=account.lwa_endpoint or None,
        )

    def _check_connection(self):
        """Ask Amazon which marketplaces the account sells on; record the outcome.

        Returns True when Amazon answered. Failures are stored on the account (state and last
        error, visible to the administrator) rather than raised, so they are kept.
        """
        self.ensure_one()
        try:
            with self._amazon_client() as client:
                payload = client.get_marketplace_participations()
            participations = parse_marketplace_participations(payload)
        except (AmazonError, AmazonDocumentError) as error:
            _logger.warning("Amazon account %s: connection check failed: %s", self.id, error)
            self.write(
                {
                    "state": "error",
                    "last_error": str(error),
                    "last_check_date": fields.Datetime.now(),
                }
            )
            return False
        participating = {p.marketplace_id for p in participations if p.is_participating}
        marketplaces = self.env["amazon.marketplace"].search(
            [("marketplace_id", "in", list(participating))]
        )
        unknown = participating - set(marketplaces.mapped("marketplace_id"))
        note = (
            self.env._(
                "Amazon also lists marketplaces unknown to Odoo: %s", ", ".join(sorted(unknown))
            )
            if unknown
            else False
        )
        self.write(
            {
                "state": "connected",
                "last_error": note,
                "last_check_date": fields.Datetime.now(),
                "marketplace_ids": [fields.Command.set(marketplaces.ids)],
            }
        )
        return True

    # ------------------------------------------------------------------ buttons

    def action_test_connection(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only Amazon administrators can test the connection."))
        if self._check_connection():
            message = self.env._(
                "Connected. Marketplaces: %s",
                ", ".join(self.marketplace_ids.mapped("name")) or self.env._("none"),
            )
            return self._notification(message, "success")
        return self._notification(
            self.env._("Connection failed: %s", self.last_error), "danger", sticky=True
        )

    def action_sync_orders(self):
        """'Sync now': run the order synchronisation job as soon as a worker is free."""
        if not self:
            raise UserError(self.env._("Select an Amazon account first."))
        self.env.ref("amazon_connector.ir_cron_amazon_sync_orders")._trigger()
        return self._notification(
            self.env._("The synchronisation with Amazon is scheduled and starts shortly."), "info"
        )

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_sale_orders"
        )
        action["domain"] = [("amazon_account_id", "=", self.id)]
        action["context"] = {"default_amazon_account_id": self.id}
        return action

    def action_view_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_offer"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def _notification(self, message, kind, sticky=False):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": sticky},
        }

    # ------------------------------------------------------------------ crons

    @api.model
    def _cron_sync_orders(self):
        """Scheduled synchronisation of every active account, one account per commit."""
        accounts = self.search([("state", "!=", "draft")])
        cron = self.env["ir.cron"]
        for index, account in enumerate(accounts, 1):
            account._check_connection()
            if not cron._commit_progress(1, remaining=len(accounts) - index):
                break
