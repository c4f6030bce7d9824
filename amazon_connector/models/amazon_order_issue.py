import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from .amazon_order_reference_mixin import AMAZON_CHANNELS

ISSUE_KINDS = [
    ("document", "Malformed Amazon document"),
    ("product", "Unknown SKU"),
    ("address", "Invalid address"),
    ("configuration", "Account configuration"),
    ("refund", "Amazon refund"),
    ("other", "Other"),
]
# The issues of orders' imports (not of their refunds).
ORDER_ISSUES = [("kind", "!=", "refund")]


class AmazonOrderIssue(models.Model):
    """An Amazon order that could not be imported, kept with its Amazon data and the reason
    so a person can fix the cause (map the SKU, complete the account) and retry."""

    _name = "amazon.order.issue"
    _description = "Amazon Import Issue"
    _order = "state, write_date desc"
    _rec_name = "amazon_order_ref"

    account_id = fields.Many2one(
        "amazon.account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    amazon_order_ref = fields.Char(string="Amazon Order", required=True, readonly=True)
    marketplace_id = fields.Many2one("amazon.marketplace", readonly=True)
    channel = fields.Selection(AMAZON_CHANNELS, readonly=True)
    kind = fields.Selection(ISSUE_KINDS, required=True, default="other", readonly=True)
    reason = fields.Text(required=True, readonly=True)
    state = fields.Selection(
        [("open", "To fix"), ("resolved", "Resolved"), ("cancelled", "Cancelled on Amazon")],
        default="open",
        required=True,
        readonly=True,
    )
    amazon_last_update = fields.Datetime(readonly=True)
    attempt_count = fields.Integer(default=1, readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    sku = fields.Char(string="Unknown SKU", readonly=True)
    map_product_id = fields.Many2one(
        "product.product",
        string="Sell it as",
        help="The product the unknown SKU sells: mapping it makes the SKU's offer.",
    )
    # The Amazon document holds buyer data: administrators only, retried with sudo.
    payload = fields.Text(groups="amazon_connector.group_amazon_manager", readonly=True)
    # The whole error (it may quote buyer data); `reason` only has it masked.
    detail = fields.Text(groups="amazon_connector.group_amazon_manager", readonly=True)

    # One issue of the order's import, and one of its refunds (the order may be imported
    # while Amazon's refund of it cannot be booked).
    _account_order_uniq = models.UniqueIndex(
        "(account_id, amazon_order_ref, (kind = 'refund'))",
        "An Amazon order has one import issue and one refund issue per account.",
    )

    def action_map_sku(self):
        """Make the offer of the unknown SKU with the chosen product, then retry: the order
        and every other order held on the same SKU are imported."""
        self.ensure_one()
        if not self.sku or not self.map_product_id:
            raise UserError(self.env._("Choose the product the SKU %s sells first.", self.sku))
        offers = self.env["amazon.offer"].with_context(active_test=False)
        offer = offers.search([("account_id", "=", self.account_id.id), ("sku", "=", self.sku)])
        values = {"product_id": self.map_product_id.id, "active": True}
        if offer:
            offer.write(values)
        else:
            offers.create(
                {
                    **values,
                    "account_id": self.account_id.id,
                    "sku": self.sku,
                    "fulfillment_channel": self.channel if self.channel == "fba" else "fbm",
                }
            )
        held_on_sku = self.search(
            [
                ("account_id", "=", self.account_id.id),
                ("sku", "=", self.sku),
                ("state", "=", "open"),
            ]
        )
        return held_on_sku.action_retry()

    def action_retry(self):
        """Import the stored Amazon documents again (after the cause was fixed).

        The import runs with its own rights, as the scheduled job does: a salesperson who
        may retry an issue need not be an accountant for the FBA invoice and payment. What
        changes the company's configuration (a new pricelist) still needs the person's own
        rights (see _Lookups._find_pricelist)."""
        self.check_access("write")
        refunds = self.filtered(lambda issue: issue.kind == "refund")
        if refunds:
            self.env["amazon.refund"].sudo().search(
                [
                    ("account_id", "in", refunds.account_id.ids),
                    ("order_ref", "in", refunds.mapped("amazon_order_ref")),
                    ("state", "=", "issue"),
                ]
            ).action_retry()
        for (account, direct), issues in (
            (self - refunds)
            .filtered(lambda i: i.state == "open")
            .grouped(lambda i: (i.account_id, i.channel == "direct_fulfillment"))
            .items()
        ):
            importer = (
                account._order_importer("direct_fulfillment" if direct else None)
                .sudo()
                .with_context(amazon_requested_by=self.env.uid)
            )
            documents = [json.loads(payload) for payload in issues.sudo().mapped("payload")]
            importer._import_orders(account.sudo(), documents)
        return True

    @api.model
    def _record(self, account, problems):
        """Open (or update) one issue per Amazon order; `problems` are ImportProblem."""
        if not problems:
            return self
        refs = [problem.order_ref for problem in problems]
        existing = {
            issue.amazon_order_ref: issue
            for issue in self.search(
                [("account_id", "=", account.id), ("amazon_order_ref", "in", refs), *ORDER_ISSUES]
            )
        }
        to_create = []
        for problem in problems:
            values = {
                "kind": problem.kind,
                "reason": problem.reason,
                "state": "open",
                "marketplace_id": problem.marketplace.id if problem.marketplace else False,
                "channel": problem.channel,
                "amazon_last_update": problem.last_update,
                "payload": json.dumps(problem.raw) if problem.raw is not None else False,
                "detail": problem.detail or False,
                "sku": problem.sku or False,
                "sale_order_id": False,
            }
            issue = existing.get(problem.order_ref)
            if issue:
                values["attempt_count"] = issue.attempt_count + 1
                issue.sudo().write(values)
            else:
                to_create.append(
                    {**values, "account_id": account.id, "amazon_order_ref": problem.order_ref}
                )
        return self.sudo().create(to_create)

    @api.model
    def _follow(self, account, orders):
        """Held orders follow Amazon: an open issue takes the newest document of its order
        (what a retry imports), and an order Amazon cancelled closes its issue."""
        by_ref = {order.order_id: order for order in orders}
        if not by_ref:
            return self
        issues = self.search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "open"),
                ("amazon_order_ref", "in", list(by_ref)),
                *ORDER_ISSUES,
            ]
        )
        for issue in issues:
            order = by_ref[issue.amazon_order_ref]
            if issue.amazon_last_update and order.last_updated < issue.amazon_last_update:
                continue
            values = {"amazon_last_update": order.last_updated, "payload": json.dumps(order.raw)}
            if order.is_cancelled:
                values["state"] = "cancelled"
            issue.sudo().write(values)
        return issues

    @api.model
    def _resolve(self, account, orders_by_ref):
        """Close the open issues of orders that are now imported."""
        issues = self.search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "open"),
                ("amazon_order_ref", "in", list(orders_by_ref)),
                *ORDER_ISSUES,
            ]
        )
        for issue in issues:
            issue.write(
                {"state": "resolved", "sale_order_id": orders_by_ref[issue.amazon_order_ref].id}
            )
        return issues

    # ------------------------------------------------------------------ refunds

    def _refund_issue(self, account, order_ref):
        return self.search(
            [
                ("account_id", "=", account.id),
                ("amazon_order_ref", "=", order_ref),
                ("kind", "=", "refund"),
            ]
        )

    @api.model
    def _record_refund_problem(self, account, order_ref, reason, sale=None, payload=None):
        """Open (or update) the refund issue of an order: why Amazon's refunds of it wait."""
        issue = self._refund_issue(account, order_ref)
        values = {
            "reason": reason,
            "state": "open",
            "sale_order_id": sale.id if sale else False,
            "channel": sale.amazon_channel if sale else False,
        }
        if payload is not None:
            values["payload"] = json.dumps(payload)
        if issue:
            if issue.state == "open" and issue.reason == reason:
                return issue
            values["attempt_count"] = issue.attempt_count + 1
            issue.sudo().write(values)
            return issue
        return self.sudo().create(
            {**values, "account_id": account.id, "amazon_order_ref": order_ref, "kind": "refund"}
        )

    @api.model
    def _resolve_refunds(self, account, order_ref, sale=None):
        issue = self._refund_issue(account, order_ref).filtered(lambda i: i.state == "open")
        issue.sudo().write({"state": "resolved", "sale_order_id": sale.id if sale else False})
        return issue
