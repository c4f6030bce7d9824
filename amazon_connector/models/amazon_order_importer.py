"""Amazon orders (parsed documents) turned into Odoo sale orders, deliveries, invoices and
payments, a page at a time.

Batch work: products, customers, addresses, pricelists and existing orders are looked up once
per page; orders are created, confirmed, delivered, invoiced and paid as recordsets. When a
batch step fails, the page is redone one order at a time, so a single bad order becomes an
import issue and the others are imported.
"""

import hashlib
import json
import logging
import traceback
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from odoo import api, models
from odoo.fields import Command

from ..amazon_sp.documents import (
    COD_FEE,
    DELIVERY_TIP,
    AmazonDocumentError,
    parse_order,
)
from ..amazon_sp.log_masking import mask_text, masking_personal_data

_logger = logging.getLogger(__name__)

# Statuses at which an order not yet in Odoo is imported.
IMPORTABLE_STATUSES = {
    "fba": {"SHIPPED"},
    "fbm": {"UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"},
}
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}


class OrderHeld(Exception):
    """This order cannot be imported as it is; it becomes an import issue."""

    def __init__(self, kind, reason, sku=None):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.sku = sku  # the unknown SKU a person maps to a product


@dataclass
class ImportProblem:
    order_ref: str
    kind: str
    reason: str
    raw: dict | None = None
    marketplace: object = None
    channel: str | None = None
    last_update: datetime | None = None
    detail: str | None = None  # the full error, for administrators
    sku: str | None = None  # an unknown SKU


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    skipped: int = 0
    held: int = 0

    def add(self, other):
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Prepared:
    """An order ready to create, and its values."""

    order: object
    values: dict


ZERO = Decimal(0)
# Lines an order adds to its items: (kind, account field of the product).
ADDED_LINE_PRODUCTS = {
    "shipping": "shipping_product_id",
    "gift_wrap": "gift_wrap_product_id",
    "discount": "discount_product_id",
    DELIVERY_TIP: "delivery_tip_product_id",
    COD_FEE: "cod_fee_product_id",
}
OTHER_CHARGES_PRODUCT = "other_charge_product_id"


def _unreadable_ref(raw):
    digest = hashlib.sha1(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    return f"unreadable-{digest[:12]}"


class AmazonOrderImporter(models.AbstractModel):
    _name = "amazon.order.importer"
    _description = "Amazon Order Importer"

    # ------------------------------------------------------------------ entry point

    @api.model
    @masking_personal_data  # the buyers' names and streets never reach the logs
    def _import_orders(self, account, documents):
        """Import Amazon `Order` documents (dicts) of `account`; returns an ImportResult.

        Idempotent: an order already in Odoo is updated, never created twice.
        """
        self = self.with_context(**QUIET_CONTEXT)  # noqa: PLW0642 - a quieter self for batch work
        account = account.with_context(**QUIET_CONTEXT)
        result = ImportResult()
        problems = []
        orders = self._parse(documents, problems)
        existing = self._existing_orders(account, orders)
        new_orders, waiting = [], []
        for order in orders:
            sale = existing.get(order.order_id)
            if sale:
                self._update_existing(account, sale, order, result)
            elif order.status in IMPORTABLE_STATUSES[order.channel]:
                new_orders.append(order)
            else:
                result.skipped += 1  # pending, or FBA not shipped yet: comes back when it changes
                waiting.append(order)
        marketplaces = self._marketplaces()
        created = self._create_orders(account, new_orders, problems, marketplaces)
        result.created += len(created)
        result.held += len(problems)
        for problem in problems:
            problem.marketplace = marketplaces.get(problem.marketplace)
        issues = self.env["amazon.order.issue"]
        issues._follow(account, waiting)
        issues._record(account, problems)
        issues._resolve(account, {**existing, **created})
        _logger.info(
            "Amazon account %s: %s created, %s updated, %s cancelled, %s skipped, %s held",
            account.id,
            result.created,
            result.updated,
            result.cancelled,
            result.skipped,
            result.held,
        )
        return result

    def _parse(self, documents, problems):
        """Parsed orders, the latest version of each; unreadable ones become problems."""
        latest = {}
        for raw in documents:
            try:
                order = parse_order(raw)
            except AmazonDocumentError as error:
                ref = raw.get("orderId") if isinstance(raw, dict) else None
                problems.append(
                    ImportProblem(
                        ref if isinstance(ref, str) else _unreadable_ref(raw),
                        "document",
                        str(error),
                        raw=raw,
                    )
                )
                continue
            current = latest.get(order.order_id)
            if current is None or order.last_updated >= current.last_updated:
                latest[order.order_id] = order
        return list(latest.values())

    def _existing_orders(self, account, orders):
        if not orders:
            return {}
        sales = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_order_ref", "in", [order.order_id for order in orders]),
            ]
        )
        return {sale.amazon_order_ref: sale for sale in sales}

    @api.model
    def _marketplaces(self):
        return {
            marketplace.marketplace_id: marketplace
            for marketplace in self.env["amazon.marketplace"]
            .with_context(active_test=False)
            .search([])
        }

    # ------------------------------------------------------------------ existing orders

    def _update_existing(self, account, sale, order, result):
        if sale.amazon_last_update and order.last_updated <= sale.amazon_last_update:
            result.skipped += 1
            return
        status_changed = sale.amazon_status != order.status
        sale.write({"amazon_status": order.status, "amazon_last_update": order.last_updated})
        result.updated += 1
        if order.is_cancelled and sale.state != "cancel":
            self._cancel(account, sale)
            result.cancelled += 1
        elif any(item.cancelled for item in order.items):
            self._follow_item_cancellations(account, sale, order)
        elif order.is_shipped and status_changed and sale.amazon_channel == "fbm":
            undelivered = sale.state in ("draft", "sent") or any(
                picking.state not in ("done", "cancel")
                for picking in sale.picking_ids
                if picking.picking_type_code == "outgoing"
            )
            if undelivered:
                account._ask_a_person(
                    sale,
                    self.env._("Shipped outside Odoo"),
                    self.env._(
                        "Amazon reports order %s shipped, but Odoo has not delivered it: do "
                        "not ship it again; validate or cancel its delivery.",
                        sale.amazon_order_ref,
                    ),
                )

    def _follow_item_cancellations(self, account, sale, order):
        """Amazon cancelled some items: a quotation's lines follow; an order already being
        processed is left to a person (its delivery may be under way)."""
        due = {item.order_item_id: item.quantity_due for item in order.items if item.cancelled}
        lines = sale.order_line.filtered(
            lambda line: (
                line.amazon_order_item_id in due
                and line.product_uom_qty != due[line.amazon_order_item_id]
            )
        )
        if not lines:
            return
        if sale.state in ("draft", "sent"):
            gone = lines.filtered(lambda line: not due[line.amazon_order_item_id])
            for line in lines - gone:
                line.product_uom_qty = due[line.amazon_order_item_id]
            gone.unlink()
            return
        account._ask_a_person(
            sale,
            self.env._("Items cancelled on Amazon"),
            self.env._(
                "Amazon cancelled %(items)s of order %(ref)s: adjust its delivery and invoice.",
                items=", ".join(lines.mapped("product_id.display_name")),
                ref=sale.amazon_order_ref,
            ),
        )

    def _cancel(self, account, sale):
        """Cancel the Odoo order while nothing left the warehouse or was invoiced; otherwise
        a person decides (return, refund)."""
        shipped = any(picking.state == "done" for picking in sale.picking_ids)
        invoiced = any(invoice.state == "posted" for invoice in sale.invoice_ids)
        if not (shipped or invoiced or sale.locked):
            sale._action_cancel()
            return True
        account._ask_a_person(
            sale,
            self.env._("Cancelled on Amazon"),
            self.env._(
                "Amazon cancelled order %s after it was delivered or invoiced in Odoo: "
                "decide on a return or a credit note.",
                sale.amazon_order_ref,
            ),
            user=sale.user_id,
        )
        return False

    # ------------------------------------------------------------------ new orders

    def _create_orders(self, account, orders, problems, marketplaces):
        """Create the new orders (and complete the FBA ones); returns {order id: sale}."""
        if not orders:
            return {}
        prepared = []
        try:
            with self.env.cr.savepoint():
                page_lookups = _Lookups(self.env, account, orders, marketplaces)
        except Exception:  # some order breaks the page's look-ups: each order looks up alone
            page_lookups = None
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    lookups = page_lookups or _Lookups(self.env, account, [order], marketplaces)
                    prepared.append(self._prepare(account, order, lookups))
            except OrderHeld as held:
                problems.append(self._problem(order, held.kind, held.reason, sku=held.sku))
            except Exception as error:  # confined to its order: an import issue
                problems.append(self._problem(order, "other", *self._describe_error(order, error)))
        created = {}
        outcomes = self._in_batches(prepared, lambda batch: self._create_batch(account, batch))
        for items, outcome in outcomes:
            if isinstance(outcome, dict):
                created.update(outcome)
            else:
                problems.append(self._problem(items[0].order, "other", *outcome))
        return created

    def _in_batches(self, prepared, process):
        """Run `process` on all of `prepared` in one savepoint; if that fails, on each alone.

        Returns [(items, {order id: sale})] for what worked, [([item], (reason, detail))] for
        each order that failed on its own.
        """
        if not prepared:
            return []
        try:
            with self.env.cr.savepoint():
                return [(prepared, process(prepared))]
        except Exception as error:  # isolate the culprit below
            if len(prepared) == 1:
                return [(prepared, self._describe(prepared[0], error))]
        outcomes = []
        for item in prepared:
            try:
                with self.env.cr.savepoint():
                    outcomes.append(([item], process([item])))
            except Exception as error:  # recorded as an import issue
                outcomes.append(([item], self._describe(item, error)))
        return outcomes

    @classmethod
    def _describe(cls, item, error):
        return cls._describe_error(item.order, error)

    @staticmethod
    def _describe_error(order, error):
        """(reason, detail) of an order that failed: the reason, shown to every salesperson,
        has its buyer data masked; the detail is the whole error, for administrators."""
        _logger.warning(
            "Amazon order %s not imported: %s: %s", order.order_id, error.__class__.__name__, error
        )
        reason = f"{error.__class__.__name__}: {mask_text(str(error))}"
        return reason, "".join(traceback.format_exception(error))

    def _create_batch(self, account, batch):
        sales = self.env["sale.order"].create([item.values for item in batch])
        mismatched = sales.filtered("amazon_total_mismatch")
        for sale in mismatched:
            self._flag_total_mismatch(account, sale)
        fba = sales.filtered(lambda sale: sale.amazon_channel == "fba")
        if fba:
            self._complete_fba(account, fba)
        self._follow_fbm_shipped_before_import(account, sales, batch)
        return {sale.amazon_order_ref: sale for sale in sales}

    def _follow_fbm_shipped_before_import(self, account, sales, batch):
        """An FBM order Amazon reports shipped when Odoo first sees it (the first import, or
        an order shipped outside Odoo) is not shipped twice: it arrives delivered from its
        warehouse and invoiced, with nothing to confirm to Amazon, and a person is told.
        One partly shipped arrives as a quotation, with a note for a person."""
        by_ref = {item.order.order_id: item.order for item in batch}
        fbm = sales.filtered(lambda sale: sale.amazon_channel == "fbm")
        shipped = fbm.filtered(lambda sale: by_ref[sale.amazon_order_ref].is_shipped)
        if shipped:
            self._complete_shipped(shipped)
            shipped.picking_ids.filtered(lambda p: p.state == "done").write(
                {"amazon_shipment_state": "sent", "amazon_shipment_error": False}
            )
        partial = fbm.filtered(lambda sale: by_ref[sale.amazon_order_ref].is_partially_shipped)
        for sale in shipped | partial:
            account._ask_a_person(
                sale,
                self.env._("Shipped before the import"),
                self.env._(
                    "Amazon already reported order %(ref)s %(status)s when Odoo imported it: "
                    "%(done)s Check the stock of its warehouse.",
                    ref=sale.amazon_order_ref,
                    status=sale.amazon_status.lower().replace("_", " "),
                    done=self.env._(
                        "it is delivered and invoiced in Odoo, nothing is sent to Amazon."
                    )
                    if sale in shipped
                    else self.env._("deliver only what is still to ship."),
                ),
            )

    def _prepare(self, account, order, lookups):
        marketplace = lookups.marketplace(order)
        channel = order.channel
        warehouse = account.fba_warehouse_id if channel == "fba" else account.fbm_warehouse_id
        channel_partner = account.fba_partner_id if channel == "fba" else account.fbm_partner_id
        missing = [
            label
            for label, value in (
                (self.env._("warehouse"), warehouse),
                (self.env._("customer"), channel_partner),
                (self.env._("payment journal"), channel == "fbm" or account.payment_journal_id),
            )
            if not value
        ]
        if missing:
            raise OrderHeld(
                "configuration",
                self.env._(
                    "The Amazon account has no %(channel)s %(missing)s: complete it, the order "
                    "is then imported automatically.",
                    channel=channel.upper(),
                    missing=", ".join(missing),
                ),
            )
        customer, delivery = lookups.partners(order, channel_partner)
        fiscal_position = lookups.fiscal_position(order, customer, delivery)
        lines, collected_tax = self._lines(account, order, lookups, fiscal_position)
        values = {
            "company_id": account.company_id.id,
            "partner_id": customer.id,
            "partner_invoice_id": customer.id,
            "partner_shipping_id": delivery.id,
            "warehouse_id": warehouse.id,
            "pricelist_id": lookups.pricelist(order.currency).id,
            "fiscal_position_id": fiscal_position.id,
            "client_order_ref": order.order_id,
            "date_order": order.created,
            "user_id": account.responsible_user_id.id,
            "amazon_account_id": account.id,
            "amazon_order_ref": order.order_id,
            "amazon_marketplace_id": marketplace.id,
            "amazon_channel": channel,
            "amazon_status": order.status,
            "amazon_last_update": order.last_updated,
            "amazon_ship_by": order.ship_by,
            "amazon_total": float(order.grand_total - collected_tax),
            "amazon_collected_tax": float(collected_tax),
            "order_line": lines,
        }
        return _Prepared(order=order, values=values)

    def _lines(self, account, order, lookups, fiscal_position):
        """Sale order lines (commands) of an order, and the tax Amazon collected on it.

        Items are sold at what the buyer paid for them; shipping, gift wrap, promotions and
        charges become lines of the account's products, one per kind (and per tax
        treatment). Tax that Amazon collects and remits is left out of the lines; the
        seller's tax comes from Odoo (see _Lookups.taxes).
        """
        lines, added, collected = [], {}, ZERO
        for item in order.items:
            by_amazon = lookups.amazon_collects_tax(order, item)
            if by_amazon:
                collected += item.amounts.tax + sum((c.tax for c in item.charges), ZERO)
            amounts = item.amounts
            for kind, amount in (
                ("shipping", amounts.shipping),
                ("gift_wrap", amounts.gift_wrap),
                ("discount", amounts.discount),
                *((charge.kind, charge.amount) for charge in item.charges),
            ):
                added[kind, by_amazon] = added.get((kind, by_amazon), ZERO) + amount
            if not item.quantity_due:
                continue  # cancelled item
            product = lookups.product(item.sku, order)
            price = (
                amounts.item / item.quantity
                if amounts.item and not item.cancelled
                else item.unit_price
            )
            taxes = lookups.taxes(product, order, fiscal_position, by_amazon)
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": item.quantity_due,
                        "price_unit": float(price),
                        "tax_ids": [Command.set(taxes.ids)],
                        "amazon_order_item_id": item.order_item_id,
                    }
                )
            )
        order_by_amazon = lookups.amazon_collects_tax(order, None)
        for charge in order.charges:
            key = (charge.kind, order_by_amazon)
            added[key] = added.get(key, ZERO) + charge.amount
        for (kind, by_amazon), amount in added.items():
            if not amount:
                continue
            product, description = self._added_line_product(account, kind)
            taxes = lookups.taxes(product, order, fiscal_position, by_amazon)
            values = {
                "product_id": product.id,
                "product_uom_qty": 1,
                "price_unit": float(amount),
                "tax_ids": [Command.set(taxes.ids)],
            }
            if description:
                values["name"] = description
            lines.append(Command.create(values))
        if not lines:
            raise OrderHeld("document", self.env._("The Amazon order has no item to sell."))
        return lines, collected

    def _added_line_product(self, account, kind):
        """(product, line description or None) of an added line of this Amazon kind; any
        kind the account has no product for goes on its 'other charges' product, named."""
        field = ADDED_LINE_PRODUCTS.get(kind)
        product = account[field] if field else account[OTHER_CHARGES_PRODUCT]
        if not product:
            raise OrderHeld(
                "configuration",
                self.env._(
                    "The Amazon account has no product for the %(field)s of this order "
                    "(Amazon's %(kind)s): set it on the account's Orders tab.",
                    field=account._fields[field or OTHER_CHARGES_PRODUCT].string,
                    kind=kind,
                ),
            )
        return product, None if field else f"{product.name}: {kind}"

    def _flag_total_mismatch(self, account, sale):
        account._ask_a_person(
            sale,
            self.env._("Total differs from Amazon's"),
            self.env._(
                "Odoo computes %(odoo)s for Amazon order %(ref)s, Amazon charged %(amazon)s. "
                "Check the taxes of its products and fiscal position.",
                odoo=sale.amount_total,
                ref=sale.amazon_order_ref,
                amazon=sale.amazon_total,
            ),
        )

    def _complete_fba(self, account, sales):
        """Amazon shipped these: confirm, deliver from the FBA warehouse, invoice, pay."""
        invoices = self._complete_shipped(sales)
        if account.fba_register_payment:
            paid = invoices.filtered(
                lambda invoice: not invoice.line_ids.sale_line_ids.order_id.amazon_total_mismatch
            )
            account._register_amazon_payments(paid)

    def _complete_shipped(self, sales):
        """Orders whose units all left: confirmed, delivered, invoiced (posted invoices).

        The delivery is forced to the ordered quantities: the warehouse's stock goes down even
        when Odoo's stock is not kept up to date (it may go negative, which shows it).
        """
        sales.action_confirm()
        pickings = sales.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        moves = pickings.move_ids.filtered(lambda move: move.state not in ("done", "cancel"))
        moves.move_line_ids.unlink()
        # One create for every move's line (what setting move.quantity does move by move).
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": move.picking_id.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "quantity": move.product_uom_qty,
                    "picked": True,
                }
                for move in moves
            ]
        )
        moves.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True)._action_done()
        invoices = sales._create_invoices()
        invoices.action_post()
        return invoices

    @staticmethod
    def _problem(order, kind, reason, detail=None, sku=None):
        return ImportProblem(
            order_ref=order.order_id,
            kind=kind,
            reason=reason,
            raw=order.raw,
            marketplace=order.marketplace_id,
            channel=order.channel,
            last_update=order.last_updated,
            detail=detail,
            sku=sku,
        )


class _Lookups:
    """Everything a page of orders needs from the database, fetched once for the page."""

    def __init__(self, env, account, orders, marketplaces):
        self.env = env
        self.account = account
        self.company = account.company_id
        self.orders = orders
        self._marketplaces = marketplaces
        self._contacts = DeliveryContacts(env, self.company)
        self._countries = self._contacts.countries
        self._pricelists = {}
        self._offers = self._load_offers()
        self._customers = {}
        self._settings = {}
        self._fiscal_positions = {}
        self._included_taxes = {}
        self._prepare_partners()

    # ---------------------------------------------------------------- marketplaces, pricelists

    def marketplace(self, order):
        marketplace = self._marketplaces.get(order.marketplace_id)
        if not marketplace:
            raise OrderHeld(
                "document",
                self.env._("Unknown Amazon marketplace %s", order.marketplace_id),
            )
        return marketplace

    def pricelist(self, currency_code):
        if currency_code not in self._pricelists:
            self._pricelists[currency_code] = self._find_pricelist(currency_code)
        return self._pricelists[currency_code]

    def _find_pricelist(self, currency_code):
        return find_pricelist(self.env, self.company, currency_code)

    # ---------------------------------------------------------------- taxes

    def setting(self, order):
        """The account's settings of the order's marketplace (its defaults when none)."""
        marketplace = self.marketplace(order)
        if marketplace not in self._settings:
            self._settings[marketplace] = self.account._marketplace_setting(marketplace)
        return self._settings[marketplace]

    def amazon_collects_tax(self, order, item):
        """Amazon collects and remits the tax of this item (None: of the order's own
        charges): it says so on the item, or the marketplace is set up so."""
        if item is not None and item.tax_collected_by_amazon:
            return True
        if item is None and order.items and all(i.tax_collected_by_amazon for i in order.items):
            return True
        return self.setting(order).amazon_collects_tax

    def fiscal_position(self, order, customer, delivery):
        """The marketplace's fiscal position, else Odoo's for the delivery address."""
        forced = self.setting(order).fiscal_position_id
        if forced:
            return forced
        key = (customer.id, delivery.country_id.id, delivery.state_id.id, delivery.zip)
        if key not in self._fiscal_positions:
            # A channel customer ("Direct from Amazon") has no country, with which Odoo
            # would apply no position at all: the buyer's address decides.
            partner = customer if customer.country_id else delivery
            self._fiscal_positions[key] = (
                self.env["account.fiscal.position"]
                .with_company(self.company)
                ._get_fiscal_position(partner, delivery=delivery)
            )
        return self._fiscal_positions[key]

    def taxes(self, product, order, fiscal_position, collected_by_amazon):
        """The seller's taxes of a line: none when Amazon collects the tax; else the
        marketplace's taxes or the product's, mapped by the fiscal position, and
        price-included where Amazon's prices include them."""
        if collected_by_amazon:
            return self.env["account.tax"]
        setting = self.setting(order)
        taxes = setting.tax_ids or product.taxes_id._filter_taxes_by_company(self.company)
        taxes = fiscal_position.map_tax(taxes)
        if setting.prices_include_tax:
            taxes = self._price_included(taxes)
        return taxes

    def _price_included(self, taxes):
        """Each tax as its price-included twin (found, or made once for the company)."""
        result = self.env["account.tax"]
        for tax in taxes:
            if tax.price_include or tax.amount_type == "group":
                result |= tax
                continue
            if tax.id not in self._included_taxes:
                self._included_taxes[tax.id] = self._find_or_make_included_twin(tax)
            result |= self._included_taxes[tax.id]
        return result

    def _find_or_make_included_twin(self, tax):
        Tax = self.env["account.tax"].sudo().with_context(active_test=False)
        twin = Tax.search(
            [
                ("company_id", "=", tax.company_id.id),
                ("type_tax_use", "=", tax.type_tax_use),
                ("amount_type", "=", tax.amount_type),
                ("amount", "=", tax.amount),
                ("tax_group_id", "=", tax.tax_group_id.id),
                ("country_id", "=", tax.country_id.id),
                ("price_include", "=", True),
                ("active", "=", True),
            ],
            limit=1,
        )
        if not twin:
            # Out of every fiscal position: the twin is applied after the mapping, and
            # must never become an alternative of the taxes it was made from.
            twin = tax.sudo().copy(
                {
                    "name": self.env._("%s (included)", tax.name),
                    "price_include_override": "tax_included",
                    "fiscal_position_ids": [Command.clear()],
                    "original_tax_ids": [Command.clear()],
                }
            )
            self.account.message_post(
                body=self.env._(
                    "Tax %(twin)s was made from %(tax)s for Amazon prices that include it.",
                    twin=twin.name,
                    tax=tax.name,
                )
            )
        return twin.sudo(False)

    # ---------------------------------------------------------------- products

    def _load_offers(self):
        """{(sku, marketplace id or None): product} of the page's SKUs. Archived offers, and
        offers of archived products, are kept aside: their SKUs are held, never re-mapped
        (an archived offer still holds its SKU, so no second offer can be made for it)."""
        skus = {item.sku for order in self.orders for item in order.items}
        offers = (
            self.env["amazon.offer"]
            .with_context(active_test=False)
            .search([("account_id", "=", self.account.id), ("sku", "in", list(skus))])
        )
        usable = offers.filtered(lambda offer: offer.active and offer.product_id.active)
        by_key = {(o.sku, o.marketplace_id.marketplace_id or None): o.product_id for o in usable}
        self._archived_offers = {offer.sku: offer for offer in offers - usable}
        unmapped = skus - {offer.sku for offer in offers}
        by_key.update(self._offers_from_internal_references(unmapped))
        return by_key

    def _offers_from_internal_references(self, skus):
        """A product whose internal reference is the SKU gets an offer for it."""
        if not skus:
            return {}
        products = self.env["product.product"].search(
            [("default_code", "in", list(skus)), ("company_id", "in", [self.company.id, False])]
        )
        candidates = {}
        for product in products:
            candidates.setdefault(product.default_code, []).append(product)
        channels, asins = {}, {}
        for order in self.orders:
            for item in order.items:
                channels.setdefault(item.sku, order.channel)
                asins.setdefault(item.sku, item.asin)
        unique = {sku: found[0] for sku, found in candidates.items() if len(found) == 1}
        if not unique:
            return {}
        self.env["amazon.offer"].create(
            [
                {
                    "account_id": self.account.id,
                    "sku": sku,
                    "product_id": product.id,
                    "fulfillment_channel": channels[sku],
                    "asin": asins[sku] or False,
                }
                for sku, product in unique.items()
            ]
        )
        return {(sku, None): product for sku, product in unique.items()}

    def product(self, sku, order):
        product = self._offers.get((sku, order.marketplace_id)) or self._offers.get((sku, None))
        if product:
            return product
        archived = self._archived_offers.get(sku)
        if archived:
            raise OrderHeld(
                "product",
                self.env._(
                    "The offer of SKU %(sku)s (or its product %(product)s) is archived: "
                    "restore it, or map the SKU to another product in Sales > Amazon > Offers; "
                    "the order is then imported automatically.",
                    sku=sku,
                    product=archived.product_id.display_name,
                ),
                sku=sku,
            )
        if self.account.fallback_product_id:
            return self.account.fallback_product_id
        raise OrderHeld(
            "product",
            self.env._(
                "Unknown SKU %s: link it to a product in Sales > Amazon > Offers (or give a "
                "product that internal reference); the order is then imported automatically.",
                sku,
            ),
            sku=sku,
        )

    # ---------------------------------------------------------------- partners

    def _prepare_partners(self):
        """Create, in one go, the delivery contacts and customers the page needs."""
        if self.account.customer_mode == "buyer":
            self._prepare_buyers()
        wanted = {}
        for order in self.orders:
            if order.address and order.address.country_code in self._countries:
                parent = self._customer_for(order)
                key = DeliveryContacts.key(parent, order.address)
                wanted.setdefault(key, (parent, order.address))
        self._contacts.prepare(wanted)

    def _prepare_buyers(self):
        emails = {o.buyer.email for o in self.orders if o.buyer and o.buyer.email}
        if not emails:
            return
        found = self.env["res.partner"].search(
            [
                ("email", "in", list(emails)),
                ("parent_id", "=", False),
                ("company_id", "in", [self.company.id, False]),
            ]
        )
        self._customers = {partner.email.lower(): partner for partner in found}
        new = {}
        for order in self.orders:
            email = order.buyer.email if order.buyer else ""
            if email and email not in self._customers and email not in new:
                name = order.buyer.name or (order.address.name if order.address else "") or email
                new[email] = {
                    "name": name,
                    "email": email,
                    "company_id": self.company.id,
                    "customer_rank": 1,
                    "amazon_buyer": True,
                }
        for partner in self.env["res.partner"].create(list(new.values())):
            self._customers[partner.email.lower()] = partner

    def _customer_for(self, order):
        channel_partner = (
            self.account.fba_partner_id if order.channel == "fba" else self.account.fbm_partner_id
        )
        email = order.buyer.email if order.buyer else ""
        return self._customers.get(email) or channel_partner

    def partners(self, order, channel_partner):
        """(customer, delivery address) of an order."""
        customer = self._customer_for(order)
        if not order.address:
            if order.channel == "fbm":
                raise OrderHeld("address", self.env._("Amazon gave no delivery address."))
            return customer, customer
        if order.address.country_code not in self._countries:
            raise OrderHeld(
                "address",
                self.env._(
                    "Unknown country code %r in the delivery address.", order.address.country_code
                ),
            )
        return customer, self._contacts.contact(customer, order.address)


class DeliveryContacts:
    """The delivery contacts imports make of Amazon's addresses: one per customer and
    address (its digest, `amazon_address_key`), reused by later orders and anonymised with
    the buyer data (see amazon.buyer.data)."""

    def __init__(self, env, company):
        self.env = env
        self.company = company
        self.countries = {country.code: country for country in env["res.country"].search([])}
        self._by_key = {}

    def prepare(self, wanted, **extra):
        """Find or create, in one go, the contacts of `wanted` ({key: (parent, address)});
        `extra` values go on the contacts created. An invalid address is skipped here and
        reported by `contact`."""
        if not wanted:
            return
        found = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("amazon_address_key", "in", list(wanted))])
        )
        self._by_key.update({partner.amazon_address_key: partner for partner in found})
        to_create = []
        for key, (parent, address) in wanted.items():
            if key in self._by_key:
                continue
            try:
                to_create.append({**self.values(key, parent, address), **extra})
            except OrderHeld:
                continue
        for partner in self.env["res.partner"].create(to_create):
            self._by_key[partner.amazon_address_key] = partner

    def contact(self, parent, address):
        """The prepared contact of `address` under `parent`; OrderHeld saying why when the
        address could not make one."""
        key = self.key(parent, address)
        delivery = self._by_key.get(key)
        if delivery is None:
            # Its creation was skipped: the address itself is invalid; say why.
            self.values(key, parent, address)
            raise OrderHeld("address", self.env._("The delivery address is invalid."))
        return delivery

    @staticmethod
    def key(parent, address):
        material = f"{parent.id}|{address.key()}"
        return hashlib.sha1(material.encode()).hexdigest()

    def values(self, key, parent, address):
        country = self.countries[address.country_code]
        return {
            "parent_id": parent.id,
            "type": "delivery",
            "name": address.name or parent.name,
            "company_name": address.company or False,
            "street": address.street or False,
            "street2": address.street2 or False,
            "city": address.city or False,
            "zip": address.zip or False,
            "country_id": country.id,
            "state_id": self.state(country, address).id,
            "phone": address.phone or False,
            "company_id": self.company.id,
            "amazon_address_key": key,
        }

    def state(self, country, address):
        if not address.state:
            if country.state_required:
                raise OrderHeld(
                    "address",
                    self.env._("The delivery address has no state, required in %s.", country.name),
                )
            return self.env["res.country.state"]
        wanted = address.state.strip().lower()
        for state in country.state_ids:
            if wanted in (state.code.lower(), state.name.lower()):
                return state
        if country.state_required:
            raise OrderHeld(
                "address",
                self.env._(
                    "Unknown state %(state)s in %(country)s.",
                    state=address.state,
                    country=country.name,
                ),
            )
        return self.env["res.country.state"]


def find_pricelist(env, company, currency_code):
    """The company's pricelist in this currency (made when none exists and the requester
    may create one); OrderHeld when the currency is unknown or inactive."""
    currency = (
        env["res.currency"]
        .with_context(active_test=False)
        .search([("name", "=", currency_code)], limit=1)
    )
    if not currency:
        raise OrderHeld("document", env._("Unknown currency %s", currency_code))
    if not currency.active:
        # Activating it here would convert its amounts at a rate of 1.0.
        raise OrderHeld(
            "configuration",
            env._(
                "The currency %s is not active: activate it with its exchange rate "
                "(Accounting > Configuration > Currencies); the order is then imported "
                "automatically.",
                currency_code,
            ),
        )
    Pricelist = env["product.pricelist"]
    pricelists = Pricelist.search(
        [("currency_id", "=", currency.id), ("company_id", "in", [company.id, False])],
        order="company_id",
    )
    if pricelists:
        return pricelists[:1]
    requester = env.context.get("amazon_requested_by")
    may_create = Pricelist.with_user(requester) if requester else Pricelist
    if not may_create.has_access("create"):
        raise OrderHeld(
            "configuration",
            env._(
                "No pricelist in %s: create one (or let the next scheduled import make "
                "it); the order is then imported automatically.",
                currency_code,
            ),
        )
    return Pricelist.create(
        {"name": f"Amazon {currency_code}", "currency_id": currency.id, "company_id": company.id}
    )
