"""How an Amazon account is doing: what it needs before its first synchronisation (listed on
the account with a button for each, so a new account never fills Import Issues with set-up
gaps), and the figures of the overview (Sales > Amazon > Overview) a person checks every
morning, each opening the records it counts."""

from datetime import datetime, time

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..amazon_sp.documents.orders import TO_SHIP_STATUSES

MANAGER_GROUP = "amazon_connector.group_amazon_manager"
# Short codes tried in turn for what the set-up creates (warehouse codes and journal codes
# are unique per company and at most 5 characters).
FBA_WAREHOUSE_CODES = ("AFBA", *(f"AFB{n}" for n in range(2, 10)))
JOURNAL_CODES = ("AMZN", *(f"AMZ{n}" for n in range(2, 10)))


SETUP_FIELDS = [
    "setup_ready",
    "setup_missing",
    "setup_needs_credentials",
    "setup_needs_connection",
    "setup_needs_fba_warehouse",
    "setup_needs_fbm_warehouse",
    "setup_needs_customers",
    "setup_needs_journal",
    "setup_needs_currencies",
    "setup_needs_pricelists",
    "setup_proposed_taxes",
]


# The jobs whose failures the overview shows.
AMAZON_CRONS = (
    "ir_cron_amazon_sync_orders",
    "ir_cron_amazon_send_shipments",
    "ir_cron_amazon_export_offers",
    "ir_cron_amazon_import_settlements",
    "ir_cron_amazon_import_fba_returns",
    "ir_cron_amazon_import_refunds",
    "ir_cron_amazon_send_order_feeds",
    "ir_cron_amazon_vendor_submissions",
    "ir_cron_amazon_anonymise_buyer_data",
    "ir_cron_amazon_df_orders",
    "ir_cron_amazon_df_inventory",
)
# figure: (model, field of the account, window action opening the records)
OVERVIEW_FIGURES = {
    "orders_today": (
        "sale.order",
        "amazon_account_id",
        "amazon_connector.action_amazon_sale_orders",
    ),
    "fbm_to_ship": (
        "sale.order",
        "amazon_account_id",
        "amazon_connector.action_amazon_sale_orders",
    ),
    "fbm_late": ("sale.order", "amazon_account_id", "amazon_connector.action_amazon_sale_orders"),
    "shipment_errors": (
        "stock.picking",
        "sale_id.amazon_account_id",
        "stock.action_picking_tree_all",
    ),
    "offer_errors": ("amazon.offer", "account_id", "amazon_connector.action_amazon_offer"),
}


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    setup_ready = fields.Boolean(
        string="Ready to Synchronise",
        compute="_compute_setup",
        help="The account has everything a synchronisation needs.",
    )
    setup_missing = fields.Text(string="Still Missing", compute="_compute_setup")
    setup_needs_credentials = fields.Boolean(compute="_compute_setup")
    setup_needs_connection = fields.Boolean(compute="_compute_setup")
    setup_needs_fba_warehouse = fields.Boolean(compute="_compute_setup")
    setup_needs_fbm_warehouse = fields.Boolean(compute="_compute_setup")
    setup_needs_customers = fields.Boolean(compute="_compute_setup")
    setup_needs_journal = fields.Boolean(compute="_compute_setup")
    setup_needs_currencies = fields.Boolean(compute="_compute_setup")
    setup_needs_pricelists = fields.Boolean(compute="_compute_setup")
    setup_proposed_taxes = fields.Text(
        compute="_compute_setup",
        help="Marketplaces of the company's own country where the seller owes the tax and "
        "no tax is set yet: the company's sales tax is proposed.",
    )

    @api.depends(
        "kind",
        "vendor_transport",
        "state",
        "marketplace_ids",
        "fba_warehouse_id",
        "fbm_warehouse_id",
        "fba_partner_id",
        "fbm_partner_id",
        "payment_journal_id",
        "vendor_partner_id",
        "vendor_warehouse_id",
        "df_enabled",
        "df_warehouse_id",
        "marketplace_setting_ids.tax_ids",
        "marketplace_setting_ids.amazon_collects_tax",
    )
    def _compute_setup(self):
        for account in self:
            missing = dict(account._setup_steps())
            account.setup_missing = "; ".join(missing.values()) or False
            account.setup_ready = not missing
            for step in (
                "credentials",
                "connection",
                "fba_warehouse",
                "fbm_warehouse",
                "customers",
                "journal",
                "currencies",
            ):
                account[f"setup_needs_{step}"] = step in missing
            # proposals: the import would make the pricelists itself, but not when a
            # salesperson retries an order
            account.setup_needs_pricelists = bool(
                account.kind != "vendor" and account._setup_currencies_without_pricelist()
            )
            lines = account._setup_tax_lines()
            account.setup_proposed_taxes = (
                ", ".join(lines.marketplace_id.mapped("name")) if lines else False
            )

    def _setup_steps(self):
        """[(step, what a person reads)] of what the account still lacks, in the order a
        person completes them."""
        self.ensure_one()
        credentials = self.sudo()
        steps = []
        if self.kind == "vendor" and self.vendor_transport == "edi":
            edi_missing = self._edi_missing()
            if edi_missing:
                steps.append(
                    (
                        "credentials",
                        self.env._("the EDI settings (EDI tab): %s", ", ".join(edi_missing)),
                    )
                )
        elif not (
            credentials.lwa_client_id
            and credentials.lwa_client_secret
            and credentials.refresh_token
        ):
            steps.append(
                ("credentials", self.env._("the Login with Amazon credentials (Connection tab)"))
            )
        if self.state == "draft" or (self.kind != "vendor" and not self.marketplace_ids):
            steps.append(
                (
                    "connection",
                    self.env._("a successful Test connection (it finds the marketplaces)"),
                )
            )
        if self.kind == "vendor":
            if not self.vendor_partner_id:
                steps.append(("customers", self.env._("the customer Amazon")))
            if not self.vendor_warehouse_id or (self.df_enabled and not self.df_warehouse_id):
                steps.append(("fbm_warehouse", self.env._("the warehouse that ships to Amazon")))
            return steps
        if not self.fba_warehouse_id:
            steps.append(
                ("fba_warehouse", self.env._("a warehouse for the stock Amazon holds (FBA)"))
            )
        if not self.fbm_warehouse_id:
            steps.append(
                ("fbm_warehouse", self.env._("the warehouse that ships your own orders (FBM)"))
            )
        if not (self.fba_partner_id and self.fbm_partner_id):
            steps.append(("customers", self.env._("the FBA and FBM customers")))
        if not self.payment_journal_id:
            steps.append(
                (
                    "journal",
                    self.env._("a journal for the payments Amazon collects (Accounting tab)"),
                )
            )
        inactive = self._setup_currencies().filtered(lambda c: not c.active)
        if inactive:
            steps.append(
                (
                    "currencies",
                    self.env._(
                        "the currencies %s active, with their rates (Accounting > Configuration "
                        "> Currencies), or their marketplaces removed from the account",
                        ", ".join(inactive.mapped("name")),
                    ),
                )
            )
        return steps

    def _setup_currencies(self):
        """The currencies of the account's marketplaces."""
        return self.marketplace_ids.currency_id.with_context(active_test=False)

    def _setup_currencies_without_pricelist(self):
        """The active currencies of the marketplaces that have no pricelist of the company."""
        currencies = self._setup_currencies().filtered("active")
        if not currencies:
            return currencies
        priced = (
            self.env["product.pricelist"]
            .sudo()
            .search(
                [
                    ("currency_id", "in", currencies.ids),
                    ("company_id", "in", [self.company_id.id, False]),
                ]
            )
            .currency_id
        )
        return currencies - priced

    def _setup_missing(self):
        """What a person reads of the missing steps, one line each."""
        return [label for _step, label in self._setup_steps()]

    def _setup_tax_lines(self):
        """The marketplace settings for which the company's sales tax is proposed."""
        self.ensure_one()
        company = self.company_id
        if self.kind == "vendor" or not company.account_sale_tax_id:
            return self.env["amazon.account.marketplace"]
        return self.marketplace_setting_ids.filtered(
            lambda line: (
                not line.amazon_collects_tax
                and not line.tax_ids
                and line.marketplace_id.country_id == company.country_id
            )
        )

    def _check_ready_to_sync(self):
        """Refuse, saying what to complete, to synchronise an account that is not set up."""
        for account in self:
            missing = account._setup_missing()
            if missing:
                raise UserError(
                    self.env._(
                        "%(account)s cannot be synchronised yet. It still needs:\n- %(missing)s",
                        account=account.name,
                        missing="\n- ".join(missing),
                    )
                )

    def _setup_blocks_sync(self):
        """True (with the reason on the account) when a scheduled run must wait for the
        set-up: orders are then left on Amazon, not turned into import issues."""
        self.ensure_one()
        missing = self._setup_missing()
        if missing:
            self.last_error = self.env._(
                "Not synchronised: the account still needs %s.", "; ".join(missing)
            )
        return bool(missing)

    # ------------------------------------------------------------------ buttons

    def _check_setup_rights(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("Only Amazon administrators can set up an account."))

    def _setup_changed(self):
        """What a button made changes the checklist, which is computed, not stored."""
        self.invalidate_recordset(SETUP_FIELDS)
        return True

    def action_setup_fba_warehouse(self):
        """Create the 'Amazon FBA' warehouse (stock held at Amazon) of the account."""
        self._check_setup_rights()
        for account in self.filtered(lambda a: not a.fba_warehouse_id):
            account.fba_warehouse_id = account._create_fba_warehouse()
        return self._setup_changed()

    def _create_fba_warehouse(self):
        company = self.company_id
        warehouses = self.env["stock.warehouse"].sudo().with_context(active_test=False)
        taken = warehouses.search([("company_id", "=", company.id)])
        code = next(c for c in FBA_WAREHOUSE_CODES if c not in taken.mapped("code"))
        name = self.env._("Amazon FBA")
        if name in taken.mapped("name"):
            name = f"{name} ({self.name})"
        return warehouses.create(
            {"name": name, "code": code, "company_id": company.id, "is_amazon_fba": True}
        )

    def action_setup_payment_journal(self):
        """Use the company's 'Amazon' bank journal for the payments, made when missing."""
        self._check_setup_rights()
        for account in self.filtered(lambda a: not a.payment_journal_id):
            account.payment_journal_id = account._amazon_journal()
        return self._setup_changed()

    def _amazon_journal(self):
        journals = self.env["account.journal"].sudo().with_context(active_test=False)
        company_journals = journals.search([("company_id", "=", self.company_id.id)])
        existing = company_journals.filtered(
            lambda j: j.active and j.type == "bank" and j.code in JOURNAL_CODES
        )
        if existing:
            return existing[0]
        code = next(c for c in JOURNAL_CODES if c not in company_journals.mapped("code"))
        return journals.create(
            {
                "name": self.env._("Amazon"),
                "code": code,
                "type": "bank",
                "company_id": self.company_id.id,
            }
        )

    def action_setup_pricelists(self):
        """A pricelist 'Amazon <currency>' per marketplace currency that has none."""
        self._check_setup_rights()
        for account in self:
            self.env["product.pricelist"].sudo().create(
                [
                    {
                        "name": f"Amazon {currency.name}",
                        "currency_id": currency.id,
                        "company_id": account.company_id.id,
                    }
                    for currency in account._setup_currencies_without_pricelist()
                ]
            )
        return self._setup_changed()

    def action_setup_customers(self):
        """The channel customers and the shipping warehouse, with their defaults."""
        self._check_setup_rights()
        self._set_default_partners()
        return self._setup_changed()

    def action_setup_taxes(self):
        """The company's sales tax on the marketplaces of its own country where the seller
        owes the tax and none is set."""
        self._check_setup_rights()
        for account in self:
            account._setup_tax_lines().write(
                {"tax_ids": [fields.Command.set(account.company_id.account_sale_tax_id.ids)]}
            )
        return self._setup_changed()

    def action_prepare_first_sync(self):
        """Everything Odoo can make on its own for the first synchronisation, at once."""
        self._check_setup_rights()
        self.action_setup_customers()
        for account in self.filtered(lambda a: a.kind != "vendor"):
            account.action_setup_fba_warehouse()
            account.action_setup_payment_journal()
            account.action_setup_pricelists()
            account.action_setup_taxes()
        return self._setup_changed()

    # ------------------------------------------------------------------ overview

    overview_orders_today = fields.Integer(string="Imported Today", compute="_compute_overview")
    overview_fbm_to_ship = fields.Integer(string="To Ship", compute="_compute_overview")
    overview_fbm_late = fields.Integer(string="Late", compute="_compute_overview")
    overview_shipment_errors = fields.Integer(
        string="Shipments in Error", compute="_compute_overview"
    )
    overview_offer_errors = fields.Integer(string="Offers in Error", compute="_compute_overview")
    overview_last_sync = fields.Datetime(
        string="Synchronised Until",
        compute="_compute_overview",
        help="Amazon's changes up to this moment are in Odoo.",
    )
    overview_next_run = fields.Datetime(string="Next Run", compute="_compute_overview")
    overview_stock_export = fields.Datetime(
        string="Stock Accepted",
        compute="_compute_overview",
        help="When Amazon last accepted the account's stock and prices.",
    )
    overview_failing_jobs = fields.Text(
        string="Failing Jobs",
        compute="_compute_overview",
        help="Scheduled Amazon jobs whose last runs failed (Settings > Technical > "
        "Scheduled Actions).",
    )

    def _overview_domain(self, figure):
        """The records behind `figure` (a key of OVERVIEW_FIGURES), for these accounts."""
        domains = {
            "orders_today": Domain("create_date", ">=", self._overview_day_start()),
            "fbm_to_ship": self._overview_to_ship(),
            "fbm_late": self._overview_to_ship()
            & Domain("amazon_ship_by", "<", fields.Datetime.now()),
            "shipment_errors": Domain("amazon_shipment_state", "=", "error")
            | Domain("amazon_asn_state", "=", "failed"),
            "offer_errors": Domain("amazon_export_state", "=", "error"),
        }
        account_field = OVERVIEW_FIGURES[figure][1]
        return Domain(account_field, "in", self.ids) & domains[figure]

    @staticmethod
    def _overview_to_ship():
        return (
            Domain("amazon_channel", "=", "fbm")
            & Domain("amazon_status", "in", TO_SHIP_STATUSES)
            & Domain("state", "!=", "cancel")
        )

    def _overview_day_start(self):
        """Midnight of the user's today, in UTC (how Odoo stores date-times)."""
        zone = pytz.timezone(self.env.user.tz or "UTC")
        today = fields.Datetime.context_timestamp(self, fields.Datetime.now()).date()
        midnight = zone.localize(datetime.combine(today, time.min))
        return midnight.astimezone(pytz.utc).replace(tzinfo=None)

    def _compute_overview(self):
        counts = {}
        for figure, (model, account_field, _action) in OVERVIEW_FIGURES.items():
            counts[figure] = dict(
                self.env[model]._read_group(
                    self._overview_domain(figure), [account_field], ["__count"]
                )
            )
        stock_accepted = dict(
            self.env["amazon.offer"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["amazon_export_date:max"]
            )
        )
        sync_cron = self.env.ref("amazon_connector.ir_cron_amazon_sync_orders", False)
        failing = self._overview_failing_jobs()
        for account in self:
            for figure in OVERVIEW_FIGURES:
                account[f"overview_{figure}"] = counts[figure].get(account, 0)
            account.overview_last_sync = account.orders_synced_until
            account.overview_next_run = sync_cron.nextcall if sync_cron.active else False
            account.overview_stock_export = stock_accepted.get(account)
            account.overview_failing_jobs = failing

    def _overview_failing_jobs(self):
        crons = self.env["ir.cron"].sudo()
        for xmlid in AMAZON_CRONS:
            crons |= self.env.ref(f"amazon_connector.{xmlid}", False) or crons.browse()
        lines = [
            self.env._(
                "%(job)s: failed %(count)s times since %(since)s",
                job=cron.name,
                count=cron.failure_count,
                since=fields.Datetime.to_string(cron.first_failure_date) or "?",
            )
            for cron in crons.filtered(lambda c: c.failure_count)
        ]
        return "; ".join(lines) or False

    def action_overview_orders_today(self):
        return self._overview_open("orders_today")

    def action_overview_fbm_to_ship(self):
        return self._overview_open("fbm_to_ship")

    def action_overview_fbm_late(self):
        return self._overview_open("fbm_late")

    def action_overview_shipment_errors(self):
        return self._overview_open("shipment_errors")

    def action_overview_offer_errors(self):
        return self._overview_open("offer_errors")

    def _overview_open(self, figure):
        """A window action on the records behind `figure`."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(OVERVIEW_FIGURES[figure][2])
        action["domain"] = list(self._overview_domain(figure))
        action["name"] = f"{self._overview_titles()[figure]} ({self.name})"
        action["context"] = {}
        return action

    def _overview_titles(self):
        return {
            "orders_today": self.env._("Amazon orders imported today"),
            "fbm_to_ship": self.env._("FBM orders to ship"),
            "fbm_late": self.env._("FBM orders late"),
            "shipment_errors": self.env._("Shipments Amazon refused"),
            "offer_errors": self.env._("Offers Amazon refused"),
        }
