import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..amazon_sp import (
    AccountCredentials,
    AmazonClient,
    AmazonError,
    AmazonRequestError,
    AmazonThrottledError,
)
from ..amazon_sp.as2 import As2Error, As2Identity, As2Partner, check_identity
from ..amazon_sp.as2_certificates import generate_key_pair
from ..amazon_sp.documents import AmazonDocumentError, parse_marketplace_participations
from ..amazon_sp.log_masking import mask_text
from .amazon_marketplace import AMAZON_REGIONS
from .amazon_settlement_importer import default_mappings

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "amazon_connector.group_amazon_manager"
# Orders are searched by last update, up to a couple of minutes before now (Amazon's own lag),
# each window overlapping the previous one so late-indexed changes are not missed.
# Amazon refuses a window ending less than 2 minutes ago; a server clock a little ahead of
# Amazon's would be refused at exactly 2.
IMPORT_LAG = timedelta(minutes=3)
IMPORT_OVERLAP = timedelta(minutes=10)
# Statuses an import asks for: shipped (FBA), paid (FBM) and cancelled; pending orders wait.
SYNCED_STATUSES = ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED")
# The searchOrders filter Amazon names when it refuses a window that ends too recently.
WINDOW_FILTER = "lastUpdatedBefore"
SYNC_CRON = "amazon_connector.ir_cron_amazon_sync_orders"
SETTLEMENT_CRON = "amazon_connector.ir_cron_amazon_import_settlements"
RETURNS_CRON = "amazon_connector.ir_cron_amazon_import_fba_returns"
EXPORT_CRON = "amazon_connector.ir_cron_amazon_export_offers"
REFUNDS_CRON = "amazon_connector.ir_cron_amazon_import_refunds"
ORDER_FEEDS_CRON = "amazon_connector.ir_cron_amazon_send_order_feeds"
VENDOR_SUBMISSIONS_CRON = "amazon_connector.ir_cron_amazon_vendor_submissions"
# How soon the vendor job looks again for the outcome of what it sent.
VENDOR_OUTCOME_DELAY = timedelta(minutes=1)
# Amazon's data protection policy: buyer data kept at most 30 days after delivery.
MAX_BUYER_DATA_RETENTION_DAYS = 30
CUSTOMER_MODES = [
    ("channel", "One customer per channel (FBA / FBM)"),
    ("buyer", "One customer per buyer (matched on the buyer's e-mail)"),
]
ACCOUNT_KINDS = [
    ("seller", "Seller (Seller Central)"),
    ("vendor", "Vendor (Vendor Central)"),
]
VENDOR_SHORTAGE_POLICIES = [
    ("backorder", "Back-order what stock does not cover (where Amazon allows it)"),
    ("reject", "Reject what stock does not cover"),
]
# getPurchaseOrders takes at most 7 days between its dates.
VENDOR_WINDOW = timedelta(days=7)
VENDOR_CATCH_UP = timedelta(hours=1)
DF_CHANNEL = "direct_fulfillment"
DF_ORDERS_CRON = "amazon_connector.ir_cron_amazon_df_orders"
DF_INVENTORY_CRON = "amazon_connector.ir_cron_amazon_df_inventory"
# Direct fulfilment orders are read once Amazon has finished them: those created between
# `df_window_from` and `df_window_to` minutes ago; each window starts this much before the
# previous one ended, so a late run misses nothing (an order is imported once all the same).
DF_OVERLAP = timedelta(minutes=10)
# A late run between two polls is still on time (crons start a little after their time).
DF_POLL_SLACK = timedelta(minutes=2)


@dataclass(frozen=True)
class WindowCursor:
    """The account fields where one windowed import keeps where it stands: imported until,
    the window being read, the query of the window (vendors read several) and the page token."""

    synced_until: str
    window_start: str
    window_end: str
    phase: str
    page_token: str

    def reset_values(self):
        return dict.fromkeys((self.window_start, self.window_end, self.phase, self.page_token))


ORDERS_CURSOR = WindowCursor(
    "orders_synced_until",
    "orders_window_start",
    "orders_window_end",
    "orders_window_phase",
    "orders_page_token",
)
DF_ORDERS_CURSOR = WindowCursor(
    "df_orders_synced_until",
    "df_window_start",
    "df_window_end",
    "df_window_phase",
    "df_page_token",
)
ACCOUNT_STATES = [
    ("draft", "Not connected"),
    ("connected", "Connected"),
    ("error", "Error"),
]


class AmazonAccount(models.Model):
    _name = "amazon.account"
    _description = "Amazon Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        ACCOUNT_KINDS,
        required=True,
        default="seller",
        help="Seller: Amazon's buyers order on its marketplaces. Vendor: Amazon itself buys "
        "from the company, with purchase orders.",
    )
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
    responsible_user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Salesperson of the imported orders; gets an activity when an order needs a "
        "person (cancelled after shipping, total differing from Amazon's).",
    )
    customer_mode = fields.Selection(CUSTOMER_MODES, required=True, default="channel")
    buyer_data_retention_days = fields.Integer(
        string="Keep Buyer Data (days)",
        default=MAX_BUYER_DATA_RETENTION_DAYS,
        help="Days after an order's delivery (or cancellation) its buyer's name, address, "
        "phone and e-mail are kept; then they are anonymised. Amazon's data protection "
        "policy allows 30 at most; 0: as soon as the order is delivered.",
    )
    fba_register_payment = fields.Boolean(
        string="Register FBA Payments",
        default=True,
        help="Register Amazon's payment when an FBA order is imported, so its invoice is paid. "
        "Leave unticked to keep FBA invoices open until the settlement is booked.",
    )
    fbm_register_payment = fields.Boolean(
        string="Register FBM Payments",
        default=True,
        help="When the invoice of an FBM order is posted, register Amazon's payment in the "
        "payment journal (Amazon has collected it from the buyer).",
    )
    rounding_tolerance = fields.Float(
        default=0.05,
        digits=(16, 2),
        help="A difference between Odoo's total and Amazon's up to this amount (in the order's "
        "currency) is rounding: Amazon's amount is registered as paid and the difference "
        "written off. Above it, the order is flagged for a person.",
    )
    writeoff_account_id = fields.Many2one(
        "account.account",
        string="Rounding Write-off Account",
        check_company=True,
        compute="_compute_writeoff_account_id",
        store=True,
        readonly=False,
        help="Where rounding differences with Amazon's totals are written off (by default "
        "the company's cash difference expense account).",
    )
    settlement_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        help="Journal of the entries that book Amazon's settlements. Empty: the payment journal.",
    )
    payout_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="The bank journal Amazon's payouts arrive in: each settlement's payout waits "
        "on its outstanding receipts account for the bank statement line.",
    )
    settlement_suspense_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Where settlement amounts that match no order or mapping wait for a person. "
        "Empty: the company's journal suspense account.",
    )
    settlement_mapping_ids = fields.One2many(
        "amazon.settlement.mapping",
        "account_id",
        string="Settlement Accounts",
        help="The ledger account of each of Amazon's amount descriptions (fees, "
        "reimbursements, reserves).",
    )
    fba_damaged_location_id = fields.Many2one(
        "stock.location",
        string="Damaged at Amazon",
        check_company=True,
        help="Where FBA units returned unsellable go (made under the FBA warehouse when "
        "first needed).",
    )
    returns_synced_until = fields.Datetime(
        string="FBA Returns Imported Until", readonly=True, copy=False
    )
    returns_window_end = fields.Datetime(readonly=True, copy=False)
    returns_report_ref = fields.Char(readonly=True, copy=False)
    settlements_checked = fields.Datetime(readonly=True, copy=False)
    refunds_synced_until = fields.Datetime(
        readonly=True,
        copy=False,
        help="Amazon's refunds are read up to this moment; each run reads again the 48 hours "
        "before it, as Amazon posts some refunds late.",
    )
    shipping_product_id = fields.Many2one(
        "product.product",
        default=lambda self: self.env.ref(
            "amazon_connector.product_amazon_shipping", raise_if_not_found=False
        ),
        help="Product of the shipping line of imported orders.",
    )
    gift_wrap_product_id = fields.Many2one(
        "product.product",
        default=lambda self: self.env.ref(
            "amazon_connector.product_amazon_gift_wrap", raise_if_not_found=False
        ),
        help="Product of the gift wrap line of imported orders.",
    )
    discount_product_id = fields.Many2one(
        "product.product",
        string="Promotion Product",
        default=lambda self: self.env.ref(
            "amazon_connector.product_amazon_promotion", raise_if_not_found=False
        ),
        help="Product of the promotion discount line of imported orders.",
    )
    delivery_tip_product_id = fields.Many2one(
        "product.product",
        default=lambda self: self.env.ref(
            "amazon_connector.product_amazon_delivery_tip", raise_if_not_found=False
        ),
        help="Product of the line of a delivery tip the buyer gave (an order-level charge).",
    )
    cod_fee_product_id = fields.Many2one(
        "product.product",
        string="COD Fee Product",
        default=lambda self: self.env.ref(
            "amazon_connector.product_amazon_cod_fee", raise_if_not_found=False
        ),
        help="Product of the line of a cash-on-delivery fee.",
    )
    other_charge_product_id = fields.Many2one(
        "product.product",
        string="Other Charges Product",
        default=lambda self: self.env.ref(
            "amazon_connector.product_amazon_other_charges", raise_if_not_found=False
        ),
        help="Product of any other charge Amazon reports (its type is in the line's "
        "description): never dropped.",
    )
    fallback_product_id = fields.Many2one(
        "product.product",
        help="Sold for an SKU that no offer or internal reference knows. Leave empty to hold "
        "such orders in Amazon import issues until the SKU is mapped.",
    )
    order_import_days = fields.Integer(
        string="First Import (days)",
        default=3,
        help="How far back the first order import looks.",
    )
    orders_synced_until = fields.Datetime(
        string="Orders Imported Until",
        readonly=True,
        copy=False,
        help="Every order Amazon changed before this moment is imported.",
    )
    orders_window_start = fields.Datetime(readonly=True, copy=False)
    orders_window_end = fields.Datetime(readonly=True, copy=False)
    orders_page_token = fields.Char(readonly=True, copy=False)
    # Vendor accounts read new, then changed purchase orders of each window.
    orders_window_phase = fields.Char(readonly=True, copy=False)
    vendor_codes = fields.Char(
        help="Amazon's vendor codes (selling parties) of the account, comma-separated: only "
        "their purchase orders are imported. Empty: every purchase order of the account.",
    )
    vendor_partner_id = fields.Many2one(
        "res.partner",
        string="Amazon (Customer)",
        check_company=True,
        help="The customer of purchase orders; its delivery addresses are Amazon's fulfilment "
        "centres, added as their purchase orders arrive.",
    )
    vendor_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Warehouse for Amazon",
        check_company=True,
        help="Ships Amazon's purchase orders; its free stock decides what is accepted.",
    )
    vendor_pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Pricelist for Amazon",
        check_company=True,
        help="Pricelist of purchase orders (its currency); lines are priced at Amazon's net "
        "cost, or by this pricelist when Amazon gives none.",
    )
    vendor_payment_term_id = fields.Many2one(
        "account.payment.term", string="Payment Terms", check_company=True
    )
    vendor_journal_id = fields.Many2one(
        "account.journal",
        string="Invoice Journal",
        domain="[('type', '=', 'sale')]",
        check_company=True,
    )
    vendor_shortage_policy = fields.Selection(
        VENDOR_SHORTAGE_POLICIES,
        string="When Stock Is Short",
        default="backorder",
        required=True,
    )
    vendor_freight_term = fields.Selection(
        [("Prepaid", "Prepaid: the company ships"), ("Collect", "Collect: Amazon's carrier")],
        string="Freight",
        default="Prepaid",
        required=True,
        help="Collect: deliveries are routed by Amazon (Request Routing) and wait for its "
        "reference number (ARN) before validation.",
    )
    vendor_auto_acknowledge = fields.Boolean(
        string="Acknowledge Automatically",
        help="Send each purchase order's acknowledgement as proposed from stock, without a "
        "person reviewing it first.",
    )
    # Vendor direct fulfilment: Amazon's customers' orders, shipped by the vendor
    df_enabled = fields.Boolean(
        string="Direct Fulfilment",
        help="Import Amazon's direct fulfilment orders (the vendor ships Amazon's customers' "
        "parcels), acknowledge and confirm them, and send the available stock daily. Needs "
        "the Direct-to-Consumer Shipping (Restricted) role on the vendor's Amazon app.",
    )
    df_ship_from_codes = fields.Char(
        string="Amazon Ship-from Warehouses",
        help="Amazon's codes of the vendor's direct fulfilment warehouses, comma-separated: "
        "only their orders are imported. Empty: the orders of every warehouse.",
    )
    df_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Ships Direct Fulfilment",
        check_company=True,
        help="Ships the direct fulfilment orders; its free stock is what Amazon is told is "
        "available.",
    )
    df_poll_interval = fields.Integer(
        string="Poll Every (minutes)",
        default=30,
        help="How often Amazon's new direct fulfilment orders are downloaded.",
    )
    df_window_from = fields.Integer(
        string="Orders Created From (minutes ago)",
        default=60,
        help="Each download reads the orders Amazon created between this many minutes ago "
        "and the next setting, so Amazon has finished them.",
    )
    df_window_to = fields.Integer(string="Until (minutes ago)", default=30)
    df_reject_unavailable = fields.Boolean(
        string="Reject Unknown or Unavailable Items",
        help="Reject an order at once, with Amazon's reason, when an item is unknown or its "
        "free stock does not cover it. Unticked: an unknown item holds the order in import "
        "issues and a shortage is accepted all the same.",
    )
    df_use_amazon_labels = fields.Boolean(
        string="Amazon's Shipping Labels",
        help="Ask Amazon for the label of each package once the order is confirmed; the label, "
        "its tracking number and the packing slip Amazon requires come onto the delivery.",
    )
    df_customer_invoices = fields.Boolean(
        string="Amazon's Customer Invoices",
        help="Amazon makes the customer invoice of each order (required in some regions): "
        "it is fetched onto the delivery with the label.",
    )
    df_inventory_warehouse_code = fields.Char(
        string="Amazon Inventory Warehouse",
        help="Amazon's id of the warehouse whose stock is sent (default: the first ship-from "
        "warehouse).",
    )
    df_inventory_hour = fields.Float(
        string="Send Inventory At",
        default=20.0,
        help="Hour of the day (company's time zone) the available stock is sent, after work.",
    )
    df_inventory_state = fields.Selection(
        [
            ("to_send", "To send"),
            ("sent", "Sent, waiting for Amazon"),
            ("done", "Accepted"),
            ("failed", "Refused"),
        ],
        string="Inventory Update",
        readonly=True,
        copy=False,
    )
    df_inventory_date = fields.Datetime(string="Inventory Sent", readonly=True, copy=False)
    df_inventory_items = fields.Integer(string="Items Sent", readonly=True, copy=False)
    df_inventory_error = fields.Text(string="Amazon's Inventory Errors", readonly=True, copy=False)
    df_last_poll = fields.Datetime(string="Last Download", readonly=True, copy=False)
    df_orders_synced_until = fields.Datetime(
        string="Direct Fulfilment Orders Until", readonly=True, copy=False
    )
    df_window_start = fields.Datetime(readonly=True, copy=False)
    df_window_end = fields.Datetime(readonly=True, copy=False)
    df_window_phase = fields.Char(readonly=True, copy=False)
    df_page_token = fields.Char(readonly=True, copy=False)

    # Vendor EDI: the same vendor flow over X12 files carried by AS2, instead of the API.
    vendor_transport = fields.Selection(
        [("api", "Selling Partner API"), ("edi", "EDI (X12 files over AS2)")],
        string="Vendor Exchange",
        required=True,
        default="api",
        help="How the purchase orders, acknowledgements, shipment notices and invoices of a "
        "vendor account travel: Amazon's vendor APIs, or X12 850/855/856/810/997 files over "
        "AS2 (the account's EDI settings).",
    )
    edi_as2_id = fields.Char(string="Our AS2 ID", help="Our AS2 identifier, as Amazon knows it.")
    edi_amazon_as2_id = fields.Char(string="Amazon's AS2 ID", default="AMAZON")
    edi_amazon_url = fields.Char(
        string="Amazon's AS2 URL", help="Where our AS2 messages are posted (Amazon's AS2 server)."
    )
    edi_interchange_id = fields.Char(
        string="Our Interchange ID", help="Our X12 id (ISA06 of our files, ISA08 of Amazon's)."
    )
    edi_interchange_qualifier = fields.Char(string="Our ID Qualifier", default="ZZ")
    edi_amazon_interchange_id = fields.Char(
        string="Amazon's Interchange ID",
        default="AMAZON",
        help="AMAZON for retail purchase orders (AMAZONDS is direct fulfilment's).",
    )
    edi_amazon_interchange_qualifier = fields.Char(string="Amazon's ID Qualifier", default="ZZ")
    edi_usage = fields.Selection(
        [("P", "Production"), ("T", "Test")], string="Interchange Usage", default="P"
    )
    edi_encryption = fields.Selection(
        [
            ("aes_256_cbc", "AES-256"),
            ("aes_192_cbc", "AES-192"),
            ("aes_128_cbc", "AES-128"),
        ],
        string="AS2 Encryption",
        default="aes_256_cbc",
        help="Amazon requires at least AES-128, signed with SHA-256.",
    )
    edi_certificate = fields.Text(
        string="Our AS2 Certificate", groups=MANAGER_GROUP, copy=False, help="PEM, given to Amazon."
    )
    edi_private_key = fields.Text(string="Our AS2 Private Key", groups=MANAGER_GROUP, copy=False)
    edi_private_key_password = fields.Char(
        string="Private Key Password", groups=MANAGER_GROUP, copy=False
    )
    edi_amazon_certificate = fields.Text(
        string="Amazon's AS2 Certificate",
        groups=MANAGER_GROUP,
        copy=False,
        help="PEM: encrypts what we send Amazon and verifies what Amazon signs.",
    )
    edi_interchange_number = fields.Integer(
        string="Last Interchange Number",
        readonly=True,
        copy=False,
        help="The control number of our last interchange: each one is the next, never reused.",
    )
    edi_receive_url = fields.Char(
        string="Our AS2 URL",
        compute="_compute_edi_receive_url",
        help="Give Amazon this address: it posts its AS2 messages there.",
    )
    stock_warehouse_scope = fields.Selection(
        [("fbm", "The FBM warehouse"), ("all", "All warehouses except FBA ones")],
        string="Stock From",
        default="fbm",
        required=True,
        help="Whose free stock is offered on Amazon for FBM offers.",
    )
    stock_reserve_type = fields.Selection(
        [("fixed", "Fixed quantity"), ("percent", "Percent")],
        string="Safety Reserve",
        default="fixed",
        required=True,
    )
    stock_reserve = fields.Float(
        string="Reserve", help="Units (or percent of the free stock) kept back from Amazon."
    )
    backorder_quantity = fields.Integer(
        default=1000,
        help="Quantity offered for products marked back-orderable on Amazon.",
    )
    listing_patch_limit = fields.Integer(
        string="Patch Up To",
        default=20,
        help="Up to this many changed offers are sent one by one (patchListingsItem); more "
        "go in one JSON_LISTINGS_FEED.",
    )
    marketplace_setting_ids = fields.One2many(
        "amazon.account.marketplace",
        "account_id",
        string="Marketplace Settings",
        help="Per marketplace: the pricelist of the prices sent, and how the taxes of its "
        "orders are treated.",
    )
    issue_count = fields.Integer(compute="_compute_issue_count")
    order_count = fields.Integer(compute="_compute_order_count")
    offer_count = fields.Integer(compute="_compute_offer_count")
    settlement_count = fields.Integer(compute="_compute_settlement_count")

    _df_window_order = models.Constraint(
        "CHECK(df_window_from > df_window_to AND df_window_to >= 0 AND df_poll_interval > 0)",
        "Direct fulfilment orders are read from a moment before the one they are read until, "
        "at a positive interval.",
    )
    _buyer_data_retention_days_range = models.Constraint(
        f"CHECK(buyer_data_retention_days BETWEEN 0 AND {MAX_BUYER_DATA_RETENTION_DAYS})",
        "Amazon's data protection policy allows keeping buyer data 0 to 30 days after delivery.",
    )

    def _count_per_account(self, model, account_field, domain=()):
        """{account: number of `model` records} for these accounts, in one query."""
        return dict(
            self.env[model]._read_group(
                [(account_field, "in", self.ids), *domain], [account_field], ["__count"]
            )
        )

    @api.depends("company_id")
    def _compute_writeoff_account_id(self):
        for account in self:
            company = account.company_id
            if account.writeoff_account_id.company_ids & company:
                continue
            account.writeoff_account_id = company.default_cash_difference_expense_account_id

    def _compute_order_count(self):
        counts = self._count_per_account("sale.order", "amazon_account_id")
        for account in self:
            account.order_count = counts.get(account, 0)

    def _compute_issue_count(self):
        counts = self._count_per_account(
            "amazon.order.issue", "account_id", [("state", "=", "open")]
        )
        for account in self:
            account.issue_count = counts.get(account, 0)

    def _compute_settlement_count(self):
        counts = self._count_per_account("amazon.settlement", "account_id")
        for account in self:
            account.settlement_count = counts.get(account, 0)

    def _compute_offer_count(self):
        counts = self._count_per_account("amazon.offer", "account_id")
        for account in self:
            account.offer_count = counts.get(account, 0)

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._set_default_partners()
        accounts._add_marketplace_settings()
        accounts._add_default_settlement_mappings()
        return accounts

    def write(self, vals):
        result = super().write(vals)
        if "marketplace_ids" in vals:
            self._add_marketplace_settings()
        if vals.get("kind") == "vendor":
            self._set_default_partners()
        return result

    def _add_marketplace_settings(self):
        """Every marketplace of the account gets its settings line, with the marketplace's
        defaults, for a person to see and change."""
        for account in self:
            missing = account.marketplace_ids - account.marketplace_setting_ids.marketplace_id
            self.env["amazon.account.marketplace"].create(
                [{"account_id": account.id, "marketplace_id": m.id} for m in missing]
            )

    def _add_default_settlement_mappings(self):
        for account in self.filtered(lambda a: not a.settlement_mapping_ids):
            self.env["amazon.settlement.mapping"].create(
                [
                    {
                        "account_id": account.id,
                        "description": description,
                        "ledger_account_id": a.id,
                    }
                    for description, a in default_mappings(account.company_id)
                ]
            )

    def _settlement_ledger_accounts(self):
        """{Amazon amount description: ledger account} of the account's mapping."""
        self.ensure_one()
        self._add_default_settlement_mappings()
        return {m.description: m.ledger_account_id for m in self.settlement_mapping_ids}

    def _settlement_journal(self):
        self.ensure_one()
        return self.settlement_journal_id or self.payment_journal_id

    def _payout_account(self):
        """Where a payout waits for the bank: the outstanding receipts of the payout
        journal (the payment journal when none), as Odoo's own payments use."""
        self.ensure_one()
        journal = self.payout_journal_id or self.payment_journal_id
        method = journal.inbound_payment_method_line_ids.filtered("payment_account_id")[:1]
        if method:
            return method.payment_account_id
        return (
            self.env["account.payment"]
            .with_company(self.company_id)
            .new({"journal_id": journal.id, "payment_type": "inbound"})
            ._get_outstanding_account("inbound")
        )

    def _marketplace_setting(self, marketplace):
        """The settings line of `marketplace` (a new record with its defaults when none)."""
        self.ensure_one()
        line = self.marketplace_setting_ids.filtered(lambda s: s.marketplace_id == marketplace)
        return line[:1] or self.env["amazon.account.marketplace"].new(
            {"account_id": self.id, "marketplace_id": marketplace.id}
        )

    def _rounding_writeoff_account(self):
        self.ensure_one()
        return self.writeoff_account_id or self.payment_journal_id.loss_account_id

    def _set_default_partners(self):
        """Each account gets its channel customers unless the administrator chose others."""
        for account in self.filtered(lambda a: a.kind == "vendor"):
            defaults = {}
            if not account.vendor_partner_id:
                defaults["vendor_partner_id"] = account._create_channel_partner("Amazon").id
            if not account.vendor_warehouse_id:
                defaults["vendor_warehouse_id"] = account._main_warehouse().id
            if not account.df_warehouse_id:
                defaults["df_warehouse_id"] = account._main_warehouse().id
            account.write(defaults)
        for account in self.filtered(lambda a: a.kind != "vendor"):
            defaults = {}
            if not account.fba_partner_id:
                defaults["fba_partner_id"] = account._create_channel_partner(
                    self.env._("Direct from Amazon")
                ).id
            if not account.fbm_partner_id:
                defaults["fbm_partner_id"] = account._create_channel_partner(
                    self.env._("Locally fulfilled Amazon Orders")
                ).id
            if not account.fbm_warehouse_id and account._main_warehouse():
                defaults["fbm_warehouse_id"] = account._main_warehouse().id
            if defaults:
                account.write(defaults)

    def _main_warehouse(self):
        return self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id), ("is_amazon_fba", "=", False)], limit=1
        )

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
        if self.kind == "vendor":
            return self._check_vendor_connection()
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

    def _check_vendor_connection(self):
        """A vendor account sells on no marketplace: Amazon answering a purchase order
        query (one order of the last day) proves the credentials and the vendor role."""
        now = fields.Datetime.now()
        if self._uses_edi():
            return self._check_edi_settings(now)
        try:
            with self._amazon_client() as client:
                client.get_purchase_orders(
                    created_after=now - timedelta(days=1), created_before=now, limit=1
                )
        except AmazonError as error:
            _logger.warning("Amazon account %s: connection check failed: %s", self.id, error)
            self.write({"state": "error", "last_error": str(error), "last_check_date": now})
            return False
        self.write({"state": "connected", "last_error": False, "last_check_date": now})
        return True

    # ------------------------------------------------------------------ vendor EDI

    def _uses_edi(self):
        self.ensure_one()
        return self.kind == "vendor" and self.vendor_transport == "edi"

    def _compute_edi_receive_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for account in self:
            account.edi_receive_url = (
                f"{base}/amazon_connector/as2/{account.id}" if account.id else False
            )

    def _edi_identity(self):
        """Our AS2 identity (its private key is read with sudo, never shown or logged)."""
        account = self.sudo()
        return As2Identity(
            as2_id=account.edi_as2_id or "",
            private_key_pem=account.edi_private_key or "",
            certificate_pem=account.edi_certificate or "",
            private_key_password=account.edi_private_key_password or None,
        )

    def _edi_partner(self):
        """Amazon as our AS2 partner: its id, certificate and URL."""
        account = self.sudo()
        return As2Partner(
            as2_id=account.edi_amazon_as2_id or "",
            certificate_pem=account.edi_amazon_certificate or "",
            url=account.edi_amazon_url or None,
            encryption=account.edi_encryption or "aes_256_cbc",
        )

    def _edi_missing(self):
        """What the EDI settings still lack, as a person reads it."""
        account = self.sudo()
        fields_needed = (
            (account.edi_as2_id, self.env._("our AS2 ID")),
            (account.edi_amazon_as2_id, self.env._("Amazon's AS2 ID")),
            (account.edi_amazon_url, self.env._("Amazon's AS2 URL")),
            (account.edi_interchange_id, self.env._("our interchange ID")),
            (account.edi_private_key and account.edi_certificate, self.env._("our certificate")),
            (account.edi_amazon_certificate, self.env._("Amazon's certificate")),
        )
        return [label for value, label in fields_needed if not value]

    def _check_edi_settings(self, now):
        """An EDI account is connected once its AS2 settings are complete and its private
        key matches its certificate (Amazon's answers then come over AS2)."""
        missing = self._edi_missing()
        error = self.env._("EDI settings incomplete: %s", ", ".join(missing)) if missing else ""
        if not error:
            try:
                check_identity(self._edi_identity())
            except As2Error as problem:
                error = str(problem)
        values = {"state": "error" if error else "connected", "last_error": error or False}
        self.write({**values, "last_check_date": now})
        return not error

    def _next_interchange_number(self):
        """The next control number of our interchanges, taken in one statement so two
        workers never send the same one."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE amazon_account SET edi_interchange_number = "
                "COALESCE(edi_interchange_number, 0) + 1 WHERE id = %s "
                "RETURNING edi_interchange_number",
                self.id,
            )
        )
        number = self.env.cr.fetchone()[0]
        self.invalidate_recordset(["edi_interchange_number"])
        return number

    def action_edi_generate_certificate(self):
        """A new key pair for our AS2 identity (the certificate is then given to Amazon)."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only Amazon administrators can change certificates."))
        pair = generate_key_pair(self.edi_as2_id or self.name, organization=self.company_id.name)
        self.sudo().write(
            {
                "edi_private_key": pair.private_key_pem.decode(),
                "edi_certificate": pair.certificate_pem.decode(),
                "edi_private_key_password": False,
            }
        )
        return self._notification(
            self.env._("A new AS2 certificate is ready: give it to Amazon."), "success"
        )

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
        self._check_ready_to_sync()
        self.env.ref("amazon_connector.ir_cron_amazon_sync_orders")._trigger()
        return self._notification(
            self.env._("The synchronisation with Amazon is scheduled and starts shortly."), "info"
        )

    def _action_of_account(self, xmlid, account_field, with_default=True):
        """A window action of `xmlid` narrowed to this account's records."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [(account_field, "=", self.id)]
        if with_default:
            action["context"] = {f"default_{account_field}": self.id}
        return action

    def action_view_orders(self):
        return self._action_of_account(
            "amazon_connector.action_amazon_sale_orders", "amazon_account_id"
        )

    def action_view_offers(self):
        return self._action_of_account("amazon_connector.action_amazon_offer", "account_id")

    def action_view_issues(self):
        return self._action_of_account(
            "amazon_connector.action_amazon_order_issue", "account_id", with_default=False
        )

    def _ask_a_person(self, record, summary, note, user=None):
        """A to-do activity on `record` for the account's responsible (or `user`): how the
        connector hands a person what it cannot decide."""
        self.ensure_one()
        record.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=note,
            user_id=(self.responsible_user_id or user or self.env.user).id,
        )

    def _notification(self, message, kind, sticky=False):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": sticky},
        }

    # ------------------------------------------------------------------ crons

    @api.model
    def _cron_sync_orders(self):
        """Scheduled synchronisation of every connected account; one account's failure is
        recorded on it and the next account still runs."""
        self.search([("state", "!=", "draft")])._run_each("_sync_orders", SYNC_CRON)

    # ------------------------------------------------------------------ order import

    def _sync_orders(self):
        """Import the orders Amazon changed since the last run, then retry open issues.

        Incremental and resumable: the window [synced until - overlap, now - lag] is fixed
        when it starts and kept with the token of the next page after each committed page,
        so a run stopped anywhere (throttled, crashed, out of time) resumes where it was,
        and `orders_synced_until` only moves once the whole window is stored.

        Returns True once the window is stored, None when the run stopped between pages
        (out of time, or another worker took the account: the cron goes on at once), and
        False when it stopped for any other reason (throttled, in error, refused window).
        """
        self.ensure_one()
        if not self._lock_for_sync():
            _logger.info("Amazon account %s: another worker is synchronising it", self.id)
            return False
        if self._setup_blocks_sync():
            return False
        if self._uses_edi():
            return True  # Amazon posts the purchase orders over AS2: nothing to ask for
        marketplaces = self.marketplace_ids.mapped("marketplace_id")
        try:
            completed = self._import_order_pages(marketplaces)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True)
            return False
        except AmazonError as error:
            self._record_sync_error(error)
            return False
        if completed:
            self._retry_open_issues()
        return completed

    def _import_order_pages(self, marketplace_ids, cursor=ORDERS_CURSOR):
        """Import the window's pages, query after query (sellers: one; vendors: the purchase
        orders created, then those changed), committing each page with where it stands in
        the `cursor` fields (direct fulfilment orders keep a cursor of their own)."""
        now = fields.Datetime.now()
        token, phase = self[cursor.page_token] or None, self[cursor.phase] or None
        window = self._order_window(now, cursor)
        with self._amazon_client() as client:
            queries = self._order_queries(client, marketplace_ids, window, cursor)
            names = [name for name, _pages, _import in queries]
            first = names.index(phase) if phase in names else 0
            for position in range(first, len(queries)):
                name, pages_from, import_page = queries[position]
                first_token = token if name == phase else None
                outcome = self._import_query(
                    window, name, pages_from, import_page, first_token, cursor
                )
                if outcome is not True:
                    return outcome
                if position + 1 < len(names):
                    self.write({cursor.phase: names[position + 1], cursor.page_token: False})
        self._reset_window(cursor)
        self.write({cursor.synced_until: window[1], "state": "connected", "last_error": False})
        if self.kind == "vendor" and now - window[1] > self._window_lag(cursor) + VENDOR_CATCH_UP:
            return None  # far behind (a window is 7 days at most): the next one at once
        return True

    def _window_lag(self, cursor):
        """How long before now a window ends: Amazon's indexing lag, or, for direct
        fulfilment, the time Amazon takes to finish an order."""
        if cursor == DF_ORDERS_CURSOR:
            return timedelta(minutes=self.df_window_to)
        return IMPORT_LAG

    def _order_window(self, now, cursor=ORDERS_CURSOR):
        """The window being imported, or the next one: [synced until - overlap, now - lag]
        (direct fulfilment: [now - window from, now - window to], or from the previous
        window's end less the overlap when that is earlier)."""
        if self[cursor.window_end]:
            # Resuming: a page token only holds with the very same filters.
            return self[cursor.window_start], self[cursor.window_end]
        synced = self[cursor.synced_until]
        window_end = now - self._window_lag(cursor)
        if cursor == DF_ORDERS_CURSOR:
            window_start = now - timedelta(minutes=self.df_window_from)
            if synced:
                window_start = min(window_start, synced - DF_OVERLAP)
        else:
            window_start = (synced or now - timedelta(days=self.order_import_days)) - IMPORT_OVERLAP
        if self.kind == "vendor":
            window_end = min(window_end, window_start + VENDOR_WINDOW)
        return window_start, window_end

    def _import_query(self, window, name, pages_from, import_page, first_token, cursor):  # noqa: PLR0917
        """Every page of one query of the window. True once done; None when stopped between
        pages (it resumes there); False when the window must wait or start again."""
        try:
            for page in pages_from(first_token):
                with self.env.cr.savepoint():
                    import_page(page)
                self.write(
                    {
                        cursor.window_start: window[0],
                        cursor.window_end: window[1],
                        cursor.phase: name,
                        cursor.page_token: page.next_token,
                    }
                )
                if not page.next_token:
                    return True  # the query is complete: the next one, or the window closes
                if not self._commit_page(len(page.items)):
                    return None
        except AmazonRequestError as error:
            if not first_token and WINDOW_FILTER in str(error):
                # Amazon's clock finds the window too recent: not an account error.
                _logger.info("Amazon account %s: window too recent, retried later", self.id)
                self.last_error = self.env._(
                    "Amazon found the import window too recent (clocks differ); the next run "
                    "tries again: %s",
                    error,
                )
                return False
            if not first_token:
                raise
            # A page token lives 24 hours: start the window again on the next run.
            _logger.info("Amazon account %s: page token refused, window restarts", self.id)
            self._reset_window(cursor)
            return False
        return True

    def _order_queries(self, client, marketplace_ids, window, cursor):
        """[(name, pages from a token, import of a page)] of the account's kind (and, for
        vendors, of the flow the cursor belongs to), in order."""
        window_start, window_end = window
        if cursor == DF_ORDERS_CURSOR:
            importer = self.env["amazon.df.order.importer"]
            return [
                (
                    code or "all",
                    lambda token, code=code: client.iter_df_order_pages(
                        first_token=token,
                        created_after=window_start,
                        created_before=window_end,
                        ship_from_party_id=code,
                    ),
                    lambda page: importer._import_page(self, page.raw),
                )
                for code in self._df_ship_from_codes() or [None]
            ]
        if self.kind == "vendor":
            importer = self.env["amazon.vendor.order.importer"]

            def purchase_orders(key):
                dates = {f"{key}_after": window_start, f"{key}_before": window_end}
                return lambda token: client.iter_purchase_order_pages(first_token=token, **dates)

            return [
                (key, purchase_orders(key), lambda page: importer._import_page(self, page.raw))
                for key in ("created", "changed")
            ]
        filters = {
            "marketplace_ids": marketplace_ids,
            "last_updated_after": window_start,
            "last_updated_before": window_end,
            "fulfillment_statuses": SYNCED_STATUSES,
        }
        importer = self.env["amazon.order.importer"]
        return [
            (
                "orders",
                lambda token: client.iter_order_pages(first_token=token, **filters),
                lambda page: importer._import_orders(self, page.items),
            )
        ]

    def _reset_window(self, cursor=ORDERS_CURSOR):
        self.write(cursor.reset_values())

    def _commit_page(self, processed):
        """Commit the page (in a cron), then take the account's lock again; False: stop.
        More pages are to come, so a run out of time is rescheduled at once."""
        remaining_time = self.env["ir.cron"]._commit_progress(processed, remaining=1)
        return bool(remaining_time) and self._lock_for_sync()

    def _lock_for_sync(self):
        """Row lock held until the next commit: two workers never import the same pages."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM amazon_account WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                self.id,
            )
        )
        return bool(self.env.cr.fetchone())

    def _record_sync_error(self, error, throttled=False, cron_xmlid=SYNC_CRON):
        _logger.warning("Amazon account %s: exchange stopped: %s", self.id, error)
        if throttled:
            # Not an error of the account: resume as soon as Amazon allows.
            self.last_error = self.env._("Throttled by Amazon, resuming shortly: %s", error)
            cron = self.env.ref(cron_xmlid)
            cron._trigger(fields.Datetime.now() + timedelta(seconds=error.retry_after))
            return
        self.write({"state": "error", "last_error": str(error)})

    def _retry_open_issues(self, direct_fulfilment=False):
        """Import again the open issues of the flow (direct fulfilment orders, or the
        account's other orders)."""
        channel = Domain("channel", "=", DF_CHANNEL)
        issues = self.env["amazon.order.issue"].search(
            Domain([("account_id", "=", self.id), ("state", "=", "open"), ("kind", "!=", "refund")])
            & (channel if direct_fulfilment else ~channel)
        )
        payloads = [json.loads(p) for p in issues.sudo().mapped("payload") if p]
        if payloads:
            self._order_importer(DF_CHANNEL if direct_fulfilment else None)._import_orders(
                self, payloads
            )

    def _order_importer(self, channel=None):
        """The importer of this account's orders of `channel` (by default the account's
        kind): Amazon's buyers' orders, its purchase orders, or its direct fulfilment
        orders."""
        self.ensure_one()
        if channel == DF_CHANNEL:
            return self.env["amazon.df.order.importer"]
        if self.kind == "vendor":
            return self.env["amazon.vendor.order.importer"]
        return self.env["amazon.order.importer"]

    # ------------------------------------------------------------------ buyer data

    @api.model
    def _cron_anonymise_buyer_data(self):
        """Daily: anonymise the buyer data each account kept past its retention (archived
        and disconnected accounts too: their orders hold buyer data all the same)."""
        accounts = self.sudo().search([("active", "in", (True, False))])
        buyer_data = self.env["amazon.buyer.data"].sudo()
        for account in accounts:
            if not buyer_data.with_company(account.company_id)._anonymise(account).complete:
                return  # out of time: the next run goes on

    # ------------------------------------------------------------------ settlements

    @api.model
    def _cron_import_settlements(self):
        """Daily: the settlement reports Amazon made, account by account."""
        for account in self.search([("state", "=", "connected"), ("kind", "=", "seller")]):
            account._import_settlements()

    def _import_settlements(self):
        self.ensure_one()
        if not self._settlement_journal():
            self.last_error = self.env._("Set the account's payment journal to book settlements.")
            return False
        try:
            self.env["amazon.settlement.importer"]._import_settlements(self)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True, cron_xmlid=SETTLEMENT_CRON)
            return False
        except AmazonError as error:
            _logger.warning("Amazon account %s: settlement import stopped: %s", self.id, error)
            self.last_error = str(error)
            return False
        self.settlements_checked = fields.Datetime.now()
        return True

    def action_import_settlements(self):
        self.env.ref(SETTLEMENT_CRON)._trigger()
        return self._notification(
            self.env._("Amazon's settlement reports are fetched shortly."), "info"
        )

    def action_view_settlements(self):
        return self._action_of_account(
            "amazon_connector.action_amazon_settlement", "account_id", with_default=False
        )

    # ------------------------------------------------------------------ FBA returns

    @api.model
    def _cron_import_fba_returns(self):
        """Hourly: ask for the FBA customer returns report, or read the one asked for."""
        for account in self.search(
            [
                ("state", "=", "connected"),
                ("kind", "=", "seller"),
                ("fba_warehouse_id", "!=", False),
            ]
        ):
            account._import_fba_returns()

    def _import_fba_returns(self):
        self.ensure_one()
        try:
            self.env["amazon.return.importer"]._import_returns(self)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True, cron_xmlid=RETURNS_CRON)
            return False
        except AmazonError as error:
            _logger.warning("Amazon account %s: FBA returns not imported: %s", self.id, error)
            self.last_error = str(error)
            return False
        return True

    def _fba_damaged_location(self):
        """The location of unsellable FBA returns, made under the FBA warehouse once."""
        self.ensure_one()
        if not self.fba_damaged_location_id:
            self.fba_damaged_location_id = self.env["stock.location"].create(
                {
                    "name": self.env._("Damaged at Amazon"),
                    "usage": "internal",
                    "location_id": self.fba_warehouse_id.view_location_id.id,
                    "company_id": self.company_id.id,
                }
            )
        return self.fba_damaged_location_id

    # ------------------------------------------------------------------ refunds

    @api.model
    def _cron_import_refunds(self):
        """Hourly: Amazon's refunds as credit notes, account by account."""
        accounts = self.search([("state", "=", "connected"), ("kind", "=", "seller")])
        for done, account in enumerate(accounts, 1):
            unfinished = account._import_refunds() is None
            self.env["ir.cron"]._commit_progress(remaining=len(accounts) - done + unfinished)

    def _import_refunds(self):
        """Returns True once the window is read, None when out of time, False on error."""
        self.ensure_one()
        try:
            recorded = self.env["amazon.refund.importer"]._import_refunds(self)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True, cron_xmlid=REFUNDS_CRON)
            return False
        except AmazonError as error:
            _logger.warning("Amazon account %s: refunds not imported: %s", self.id, error)
            self.last_error = str(error)
            return False
        return None if recorded is None else True

    def action_view_refunds(self):
        return self._action_of_account(
            "amazon_connector.action_amazon_refund", "account_id", with_default=False
        )

    @api.model
    def _cron_send_order_feeds(self):
        """Refunds and cancellations decided in Odoo, sent to Amazon; Amazon's answers."""
        for account in self.search([("state", "=", "connected"), ("kind", "=", "seller")]):
            account._send_order_feeds()

    def _send_order_feeds(self):
        self.ensure_one()
        if not self.seller_id:
            self.last_error = self.env._(
                "Set the account's seller ID to send refunds and cancellations."
            )
            return False
        try:
            self.env["amazon.order.feed.exporter"]._run(self)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True, cron_xmlid=ORDER_FEEDS_CRON)
            return False
        except AmazonError as error:
            _logger.warning("Amazon account %s: order feeds not sent: %s", self.id, error)
            self.last_error = str(error)
            return False
        return True

    # ------------------------------------------------------------------ Vendor Central

    @api.model
    def _cron_vendor_submissions(self):
        """What Vendor Central is to be told (acknowledgements, routing requests, shipment
        confirmations, invoices), and Amazon's verdict on what was sent."""
        for account in self.search([("state", "=", "connected"), ("kind", "=", "vendor")]):
            account._vendor_submissions()

    def _vendor_submissions(self):
        """Read the outcome of what was sent, then send what waits. Returns False when the
        exchange stopped (throttled, or Amazon failing: the next run goes on)."""
        self.ensure_one()
        if self._uses_edi():
            # the same flow, the files over AS2: Amazon's 997s conclude them as they arrive
            self.env["amazon.edi.exchange"]._send_pending(self)
            self.env["amazon.vendor.acknowledgement.exporter"]._send_all(self, None)
            self.env["amazon.vendor.shipment.exporter"]._send_all(self, None)
            self.env["amazon.vendor.invoice.exporter"]._send_all(self, None)
            return True
        try:
            with self._amazon_client() as client:
                self.env["amazon.vendor.transaction"]._read_outcomes(self, client)
                self.env["amazon.vendor.acknowledgement.exporter"]._send_all(self, client)
                self.env["amazon.vendor.shipment.exporter"]._send_all(self, client)
                self.env["amazon.vendor.invoice.exporter"]._send_all(self, client)
                if self.df_enabled:
                    self.env["amazon.df.acknowledgement.exporter"]._send_all(self, client)
                    self.env["amazon.df.shipment.exporter"]._send_all(self, client)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True, cron_xmlid=VENDOR_SUBMISSIONS_CRON)
            return False
        except AmazonError as error:
            _logger.warning(
                "Amazon account %s: Vendor Central exchange stopped: %s", self.id, error
            )
            self.last_error = str(error)
            return False
        if self.env["amazon.vendor.transaction"].search_count(
            [("account_id", "=", self.id), ("state", "=", "processing")]
        ):
            self.env.ref(VENDOR_SUBMISSIONS_CRON)._trigger(
                fields.Datetime.now() + VENDOR_OUTCOME_DELAY
            )
        return True

    # ------------------------------------------------------------------ direct fulfilment

    def _vendor_codes(self):
        return [code.strip() for code in (self.vendor_codes or "").split(",") if code.strip()]

    def _df_ship_from_codes(self):
        return [code.strip() for code in (self.df_ship_from_codes or "").split(",") if code.strip()]

    def _df_inventory_warehouse(self):
        """Amazon's id of the warehouse the inventory is sent for."""
        return (self.df_inventory_warehouse_code or "").strip() or next(
            iter(self._df_ship_from_codes()), ""
        )

    def _df_selling_party(self):
        """The vendor code of direct fulfilment: the account's first, else the one of its
        latest direct fulfilment order."""
        codes = self._vendor_codes()
        if codes:
            return codes[0]
        return (
            self.env["sale.order"]
            .search(
                [("amazon_account_id", "=", self.id), ("amazon_channel", "=", DF_CHANNEL)],
                order="date_order desc",
                limit=1,
            )
            .amazon_selling_party
        )

    @api.model
    def _cron_df_orders(self):
        """Every few minutes: the direct fulfilment accounts whose download is due read the
        orders of their window and acknowledge them at once."""
        now = fields.Datetime.now()
        accounts = self.search(
            [("state", "!=", "draft"), ("kind", "=", "vendor"), ("df_enabled", "=", True)]
        ).filtered(
            lambda a: (
                not a.df_last_poll
                or a.df_last_poll + timedelta(minutes=a.df_poll_interval) - DF_POLL_SLACK <= now
            )
        )
        accounts._run_each("_df_sync_orders", DF_ORDERS_CRON)

    def _run_each(self, job, cron_xmlid):
        """Run the account method named `job` account after account, committing after
        each; one account's failure is recorded on it and the next still runs. A job
        answering None stopped with work left: the cron runs again at once."""
        unfinished = 0
        for done, account in enumerate(self, 1):
            try:
                if getattr(account, job)() is None:
                    unfinished += 1
            except Exception as error:  # kept on the account, shown to its administrator
                # Any text of an unexpected error may quote a document: masked before it is
                # logged or shown.
                account._record_sync_error(
                    f"{error.__class__.__name__}: {mask_text(str(error))}", cron_xmlid=cron_xmlid
                )
            self.env["ir.cron"]._commit_progress(remaining=len(self) - done + unfinished)

    def _df_sync_orders(self):
        """Download the direct fulfilment orders of the window, acknowledge them at once,
        retry open issues. Returns like `_sync_orders`."""
        self.ensure_one()
        if not self._lock_for_sync():
            _logger.info("Amazon account %s: another worker is synchronising it", self.id)
            return False
        self.df_last_poll = fields.Datetime.now()
        try:
            completed = self._import_order_pages([], DF_ORDERS_CURSOR)
            if completed:
                self._retry_open_issues(direct_fulfilment=True)
            with self._amazon_client() as client:
                self.env["amazon.df.acknowledgement.exporter"]._send_all(self, client)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True, cron_xmlid=DF_ORDERS_CRON)
            return False
        except AmazonError as error:
            # Without the restricted role (AmazonRestrictedDataError) nothing was imported:
            # the account shows Amazon's refusal, which names the role.
            self._record_sync_error(error, cron_xmlid=DF_ORDERS_CRON)
            return False
        self.env.ref(VENDOR_SUBMISSIONS_CRON)._trigger(fields.Datetime.now() + VENDOR_OUTCOME_DELAY)
        return completed

    def action_df_sync_orders(self):
        self.write({"df_last_poll": False})
        self.env.ref(DF_ORDERS_CRON)._trigger()
        return self._notification(
            self.env._("Amazon's direct fulfilment orders are downloaded shortly."), "info"
        )

    @api.model
    def _cron_df_inventory(self):
        """Hourly: the accounts whose daily inventory is due send it."""
        exporter = self.env["amazon.df.inventory.exporter"]
        accounts = self.search(
            [("state", "=", "connected"), ("kind", "=", "vendor"), ("df_enabled", "=", True)]
        ).filtered(exporter._is_due)
        accounts._run_each("_df_send_inventory", DF_INVENTORY_CRON)

    def _df_send_inventory(self):
        self.ensure_one()
        try:
            with self._amazon_client() as client:
                self.env["amazon.df.inventory.exporter"]._send(self, client)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True, cron_xmlid=DF_INVENTORY_CRON)
            return False
        except AmazonError as error:
            _logger.warning("Amazon account %s: inventory not sent: %s", self.id, error)
            self.write({"df_inventory_state": "failed", "df_inventory_error": str(error)})
            return False
        self.env.ref(VENDOR_SUBMISSIONS_CRON)._trigger(fields.Datetime.now() + VENDOR_OUTCOME_DELAY)
        return True

    def action_df_send_inventory(self):
        """'Send inventory now': the full update at once, whatever the hour."""
        self.ensure_one()
        self.df_inventory_state = "to_send"
        self._df_send_inventory()
        if self.df_inventory_state == "failed":
            return self._notification(
                self.env._("Inventory not sent: %s", self.df_inventory_error), "danger", True
            )
        return self._notification(
            self.env._("%s items sent to Amazon.", self.df_inventory_items), "success"
        )

    # ------------------------------------------------------------------ stock and prices

    def _stock_warehouses(self):
        self.ensure_one()
        if self.stock_warehouse_scope == "fbm":
            return self.fbm_warehouse_id
        return self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id), ("is_amazon_fba", "=", False)]
        )

    @api.model
    def _cron_export_offers(self):
        """Hourly: read back finished feeds, then send what changed, account by account."""
        for account in self.search([("state", "=", "connected"), ("kind", "=", "seller")]):
            account._export_offers()

    def _export_offers(self):
        self.ensure_one()
        if not self.seller_id:
            self.last_error = self.env._("Set the account's seller ID to publish stock.")
            return False
        exporter = self.env["amazon.offer.exporter"]
        try:
            exporter._check_feeds(self)
            exporter._export(self)
        except AmazonThrottledError as error:
            self._record_sync_error(error, throttled=True, cron_xmlid=EXPORT_CRON)
            return False
        except AmazonError as error:
            _logger.warning("Amazon account %s: stock export stopped: %s", self.id, error)
            self.last_error = str(error)
            return False
        return True

    def action_export_offers(self):
        self.env.ref(EXPORT_CRON)._trigger()
        return self._notification(
            self.env._("Stock and prices are sent to Amazon shortly."), "info"
        )

    def _register_amazon_payments(self, invoices):
        """Register what Amazon collected from the buyers, in the account's payment journal:
        one payment per customer and currency for the invoices given (Amazon pays out in
        batches too), for Amazon's amounts; a rounding difference within the tolerance is
        written off, so each invoice ends paid."""
        self.ensure_one()
        invoices = invoices.filtered(
            lambda invoice: (
                invoice.state == "posted" and invoice.payment_state in ("not_paid", "partial")
            )
        )
        payments = self.env["account.payment"]
        if not invoices or not self.payment_journal_id:
            return payments
        groups = invoices.grouped(lambda inv: (inv.commercial_partner_id, inv.currency_id))
        for (_partner, currency), group in groups.items():
            expected = sum(group._amazon_expected_payment())
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=group.ids)
                .create({"journal_id": self.payment_journal_id.id, "group_payment": True})
            )
            if currency.compare_amounts(expected, wizard.amount):
                writeoff = self._rounding_writeoff_account()
                if not writeoff:
                    continue  # no account to write off to: left open, flagged on the order
                wizard.write(
                    {
                        "amount": expected,
                        "payment_difference_handling": "reconcile",
                        "writeoff_account_id": writeoff.id,
                        "writeoff_label": self.env._("Rounding difference with Amazon"),
                    }
                )
            payments |= wizard._create_payments()
        return payments
