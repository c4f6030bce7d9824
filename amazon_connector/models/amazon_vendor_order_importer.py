"""Amazon's purchase orders (Vendor Central) imported as sale orders to Amazon, each once, with
an acknowledgement proposed from stock.

A purchase order becomes a quotation for the account's "Amazon" customer, delivered to the
ship-to fulfilment centre (a delivery address of that customer, made on first sight from
Amazon's address), with Amazon's PO number as customer reference, a line per item (matched by
the vendor's product identifier as internal reference, then as barcode, then by ASIN through
the account's offers) at Amazon's net cost, and the ship and delivery windows. Each line gets
a proposal: accepted what free stock in the vendor warehouse covers (whole cases for case
orders), the rest back-ordered or rejected by the account's policy; a product no longer sold
is rejected as obsolete. A person may change the proposal before the acknowledgement is sent
(or it is sent at once, when the account says so).

A purchase order Amazon changes updates its quotation while no acknowledgement was sent, and
is flagged for a person after. What cannot be imported (an unknown product or fulfilment
centre, a malformed order) becomes an import issue, imported again by Retry or the next run.
"""

import logging
import math

from odoo import api, models
from odoo.fields import Command
from odoo.tools import groupby

from ..amazon_sp.documents import (
    QuantityUnit,
    RejectionReason,
    split_purchase_orders,
)
from ..amazon_sp.log_masking import mask_text
from .amazon_edi_exchange import EDI_ORDER_KEY
from .amazon_order_importer import ImportProblem, OrderHeld, find_pricelist

_logger = logging.getLogger(__name__)

CHANNEL = "vendor"
# Acknowledgement states of a purchase order in Odoo.
PROPOSED, TO_SEND = "proposed", "to_send"


class AmazonVendorDocumentImporter(models.AbstractModel):
    """What the importers of Amazon's vendor orders (purchase orders, direct fulfilment
    orders) share: a page, or the documents of import issues, read into orders (`_split`:
    the documents layer's reader of an order list) and imported by `_import_read`; an
    unreadable order becomes an issue of the importer's `_channel`."""

    _name = "amazon.vendor.document.importer"
    _description = "Amazon Vendor Order Document Importer"

    @api.model
    def _import_page(self, account, payload):
        """Import one page of orders (its payload)."""
        return self._import_read(account, self._split(payload))

    @api.model
    def _import_orders(self, account, documents):
        """Import Amazon Order objects (dicts): what an import issue's Retry imports again."""
        return self._import_read(account, self._split({"orders": list(documents)}))

    def _failed(self, number, order, error):
        """The issue of an order whose import failed unexpectedly (confined to it)."""
        _logger.warning("Amazon order %s not imported: %s", number, type(error).__name__)
        return ImportProblem(
            number,
            "other",
            f"{type(error).__name__}: {mask_text(str(error))}",
            raw=order.raw,
            channel=self._channel,
        )

    def _close_page(self, account, problems, existing, created):
        """Record the page's issues and close those of the orders now in Odoo."""
        issues = self.env["amazon.order.issue"]
        issues._record(account, problems)
        issues._resolve(account, {**existing, **created})
        _logger.info(
            "Amazon account %s: %s %s orders created, %s seen again, %s held",
            account.id,
            len(created),
            self._channel,
            len(existing),
            len(problems),
        )
        return created

    def _unreadable(self, read):
        return ImportProblem(
            read.number or "(no number)",
            "document",
            str(read.error),
            raw=read.raw,
            channel=self._channel,
        )


class AmazonVendorOrderImporter(models.AbstractModel):
    _name = "amazon.vendor.order.importer"
    _inherit = ["amazon.vendor.document.importer"]
    _description = "Amazon Purchase Order Importer"
    _split = staticmethod(split_purchase_orders)
    _channel = CHANNEL

    @api.model
    def _import_orders(self, account, documents):
        """Retry: API documents are read again, EDI purchase orders from their file."""
        documents = list(documents)
        edi = [d for d in documents if EDI_ORDER_KEY in d]
        read = list(self._split({"orders": [d for d in documents if EDI_ORDER_KEY not in d]}))
        exchanges = self.env["amazon.edi.exchange"].sudo()
        for exchange_id, found in groupby(edi, key=lambda d: d[EDI_ORDER_KEY]):
            numbers = [d["control_number"] for d in found]
            read += exchanges.browse(exchange_id).exists()._orders_again(numbers)
        return self._import_read(account, read)

    def _import_read(self, account, read_orders):
        problems, orders = [], {}
        for read in read_orders:
            if read.error is not None:
                problems.append(self._unreadable(read))
                continue
            if not self._is_ours(account, read.order):
                continue
            current = orders.get(read.order.number)
            if current is None or read.order.last_change >= current.last_change:
                orders[read.order.number] = read.order
        existing = {
            sale.amazon_order_ref: sale
            for sale in self.env["sale.order"].search(
                [
                    ("amazon_account_id", "=", account.id),
                    ("amazon_order_ref", "in", list(orders)),
                ]
            )
        }
        lookups = _Lookups(self.env, account, list(orders.values()))
        created = {}
        for number, order in orders.items():
            try:
                with self.env.cr.savepoint():
                    sale = existing.get(number)
                    if sale:
                        self._update(account, sale, order, lookups)
                    else:
                        created[number] = self._create(account, order, lookups)
                lookups.committed()
            except OrderHeld as held:
                lookups.rolled_back()
                problems.append(
                    ImportProblem(number, held.kind, held.reason, raw=order.raw, channel=CHANNEL)
                )
            except Exception as error:  # confined to its purchase order: an import issue
                lookups.rolled_back()
                problems.append(self._failed(number, order, error))
        self._propose(account, self.env["sale.order"].browse([s.id for s in created.values()]))
        return self._close_page(account, problems, existing, created)

    @staticmethod
    def _is_ours(account, order):
        """Only the purchase orders of the account's vendor codes, when it names some."""
        codes = account._vendor_codes()
        party = order.selling_party.party_id if order.selling_party else ""
        return not codes or party in codes

    # ------------------------------------------------------------------ orders

    def _create(self, account, order, lookups):
        values = self._order_values(account, order, lookups)
        values["order_line"] = [Command.create(v) for v in self._line_values(order, lookups)]
        return self.env["sale.order"].create(values)

    def _update(self, account, sale, order, lookups):
        """Amazon's newer version of a purchase order: the quotation follows while nothing
        was sent to Amazon; after, a person decides."""
        if sale.amazon_last_update and order.last_change <= sale.amazon_last_update:
            return
        if sale.amazon_po_state != order.state:
            sale.amazon_po_state = order.state
        sale.amazon_last_update = order.last_change
        if not order.is_changed or not order.items:
            return
        if sale.amazon_ack_state in (PROPOSED, TO_SEND, False) and sale.state in ("draft", "sent"):
            values = self._order_values(account, order, lookups)
            values["order_line"] = [Command.clear()] + [
                Command.create(v) for v in self._line_values(order, lookups)
            ]
            sale.write(values)
            self._propose(account, sale)
            return
        account._ask_a_person(
            sale,
            self.env._("Purchase order changed by Amazon"),
            self.env._(
                "Amazon changed purchase order %s after it was acknowledged: check its "
                "quantities, dates and delivery address against Vendor Central.",
                order.number,
            ),
        )

    def _order_values(self, account, order, lookups):
        ship_start, ship_end = order.ship_window or (False, False)
        delivery_start, delivery_end = order.delivery_window or (False, False)
        return {
            "company_id": account.company_id.id,
            "partner_id": account.vendor_partner_id.id,
            "partner_invoice_id": lookups.bill_to(order).id,
            "partner_shipping_id": lookups.fulfilment_centre(order).id,
            "warehouse_id": account.vendor_warehouse_id.id,
            "pricelist_id": lookups.pricelist(order.currency).id,
            "payment_term_id": account.vendor_payment_term_id.id,
            "client_order_ref": order.number,
            "date_order": order.ordered,
            "commitment_date": delivery_end or ship_end,
            "user_id": account.responsible_user_id.id,
            "amazon_account_id": account.id,
            "amazon_order_ref": order.number,
            "amazon_channel": CHANNEL,
            "amazon_last_update": order.last_change,
            "amazon_po_state": order.state,
            "amazon_po_type": order.order_type or False,
            "amazon_selling_party": order.selling_party.party_id if order.selling_party else False,
            "amazon_ship_window_start": ship_start,
            "amazon_ship_window_end": ship_end,
            "amazon_delivery_window_start": delivery_start,
            "amazon_delivery_window_end": delivery_end,
            "amazon_ack_state": PROPOSED,
        }

    def _line_values(self, order, lookups):
        if not order.items:
            raise OrderHeld("document", self.env._("The purchase order has no item."))
        lines = []
        for item in order.items:
            product = lookups.product(item)
            values = {
                "product_id": product.id,
                "product_uom_qty": item.eaches,
                "amazon_item_sequence": item.sequence,
                "amazon_asin": item.asin or False,
                "amazon_vendor_product_ref": item.vendor_product_id or False,
                "amazon_ordered_qty": item.eaches,
                "amazon_quantity_unit": item.unit_of_measure or QuantityUnit.EACHES,
                "amazon_unit_size": item.unit_size or 1,
                "amazon_back_order_allowed": item.back_order_allowed,
                # all accepted until the proposal from stock (see _propose)
                "amazon_accepted_qty": item.eaches,
                "amazon_backordered_qty": 0,
                "amazon_rejected_qty": 0,
            }
            if item.net_cost is not None:
                values["price_unit"] = float(item.net_cost)
                values["amazon_net_cost"] = float(item.net_cost)
            lines.append(values)
        return lines

    # ------------------------------------------------------------------ the proposal

    @api.model
    def _propose(self, account, sales):
        """Each line's proposal from the free stock of the vendor warehouse, shared out over
        these orders in the order Amazon placed them; sent at once when the account says so."""
        if not sales:
            return
        lines = sales.order_line.filtered("amazon_item_sequence")
        free = lines.product_id.with_context(
            warehouse_id=account.vendor_warehouse_id.id
        )._compute_quantities_dict(None, None, None)
        promised = self._promised_elsewhere(account, sales, lines.product_id)
        available = {
            product_id: max(0.0, q["free_qty"] - promised.get(product_id, 0.0))
            for product_id, q in free.items()
        }
        policy = account.vendor_shortage_policy
        for sale in sales.sorted(lambda s: (s.date_order, s.id)):
            for line in sale.order_line.filtered("amazon_item_sequence"):
                proposal = self._line_proposal(line, available, policy)
                line.write(proposal)
        if account.vendor_auto_acknowledge:
            sales._amazon_send_acknowledgement()

    def _promised_elsewhere(self, account, sales, products):
        """{product id: units accepted on the account's other purchase orders not confirmed
        yet}: a quotation reserves no stock, so what it accepted is not free for these."""
        groups = self.env["sale.order.line"]._read_group(
            [
                ("order_id.amazon_account_id", "=", account.id),
                ("order_id.state", "in", ("draft", "sent")),
                ("order_id.amazon_ack_state", "in", (PROPOSED, TO_SEND, "sent", "failed")),
                ("order_id", "not in", sales.ids),
                ("product_id", "in", products.ids),
            ],
            groupby=["product_id"],
            aggregates=["amazon_accepted_qty:sum"],
        )
        return {product.id: accepted for product, accepted in groups}

    @staticmethod
    def _line_proposal(line, available, policy):
        ordered = line.amazon_ordered_qty
        if not line.product_id.sale_ok or not line.product_id.active:
            return {
                "amazon_accepted_qty": 0,
                "amazon_backordered_qty": 0,
                "amazon_rejected_qty": ordered,
                "amazon_rejection_reason": RejectionReason.OBSOLETE_PRODUCT,
            }
        size = line.amazon_unit_size if line.amazon_quantity_unit == QuantityUnit.CASES else 1
        size = max(1, size or 1)
        product_id = line.product_id.id
        stock = available.get(product_id, 0.0) if line.product_id.is_storable else math.inf
        accepted = min(ordered, math.floor(stock / size) * size) if stock != math.inf else ordered
        if stock != math.inf:
            available[product_id] = stock - accepted
        short = ordered - accepted
        backorder = short if policy == "backorder" and line.amazon_back_order_allowed else 0
        rejected = short - backorder
        return {
            "amazon_accepted_qty": accepted,
            "amazon_backordered_qty": backorder,
            "amazon_rejected_qty": rejected,
            "amazon_rejection_reason": RejectionReason.TEMPORARILY_UNAVAILABLE
            if rejected
            else False,
        }


class _Lookups:
    """What a page of purchase orders needs from the database, fetched once for the page."""

    def __init__(self, env, account, orders):
        self.env = env
        self.account = account
        self.company = account.company_id
        self._pricelists = {}
        identifiers = {i.vendor_product_id for o in orders for i in o.items if i.vendor_product_id}
        asins = {i.asin for o in orders for i in o.items if i.asin}
        Product = env["product.product"].with_context(active_test=False)
        company_domain = [("company_id", "in", [self.company.id, False])]
        self._by_code = {
            p.default_code: p
            for p in Product.search([("default_code", "in", list(identifiers)), *company_domain])
        }
        self._by_barcode = {
            p.barcode: p
            for p in Product.search([("barcode", "in", list(identifiers)), *company_domain])
        }
        self._by_asin = {
            o.asin: o.product_id
            for o in env["amazon.offer"].search(
                [("account_id", "=", account.id), ("asin", "in", list(asins))]
            )
        }
        partner = account.vendor_partner_id
        self._centres = {
            c.ref: c
            for c in env["res.partner"]
            .with_context(active_test=False)
            .search([("parent_id", "=", partner.id), ("ref", "!=", False)])
        }
        self._countries = {c.code: c for c in env["res.country"].search([])}
        self._made = set()  # party ids of the addresses made for the order being imported

    def rolled_back(self):
        """The order's savepoint was rolled back: the addresses made for it are gone."""
        for party_id in self._made:
            self._centres.pop(party_id, None)
        self._made.clear()

    def committed(self):
        self._made.clear()

    def product(self, item):
        product = (
            self._by_code.get(item.vendor_product_id)
            or self._by_barcode.get(item.vendor_product_id)
            or self._by_asin.get(item.asin)
        )
        if not product:
            raise OrderHeld(
                "product",
                self.env._(
                    "No product for Amazon's item %(item)s (vendor identifier %(vendor)s, ASIN "
                    "%(asin)s): give a product this internal reference or barcode, or map the "
                    "ASIN in an offer; the purchase order is then imported automatically.",
                    item=item.sequence,
                    vendor=item.vendor_product_id or "-",
                    asin=item.asin or "-",
                ),
            )
        return product

    def fulfilment_centre(self, order):
        """The delivery address of the ship-to party, made from Amazon's address."""
        party = order.ship_to_party
        if not party or not party.party_id:
            raise OrderHeld("address", self.env._("The purchase order names no ship-to party."))
        centre = self._centres.get(party.party_id)
        if centre:
            return centre
        if not party.address and EDI_ORDER_KEY in (order.raw or {}):
            # an 850 names the fulfilment centre by its code only (N1*ST*92): the delivery
            # address is the code, completed by a person when needed
            centre = self._partner(party, "delivery", self.env._("Amazon %s", party.party_id))
            self._centres[party.party_id] = centre
            self._made.add(party.party_id)
            return centre
        if not party.address:
            raise OrderHeld(
                "address",
                self.env._(
                    "Amazon's fulfilment centre %s is unknown and the purchase order gives no "
                    "address: add it as a delivery address of the Amazon customer with this "
                    "reference; the purchase order is then imported automatically.",
                    party.party_id,
                ),
            )
        centre = self._partner(party, "delivery", self.env._("Amazon %s", party.party_id))
        self._centres[party.party_id] = centre
        self._made.add(party.party_id)
        return centre

    def bill_to(self, order):
        party = order.bill_to_party
        if not party or not party.party_id or not party.address:
            return self.account.vendor_partner_id
        if party.party_id not in self._centres:
            self._centres[party.party_id] = self._partner(
                party, "invoice", self.env._("Amazon %s", party.party_id)
            )
            self._made.add(party.party_id)
        return self._centres[party.party_id]

    def _partner(self, party, kind, default_name):
        address = party.address
        if address is None:
            return self.env["res.partner"].create(
                {
                    "parent_id": self.account.vendor_partner_id.id,
                    "type": kind,
                    "name": default_name,
                    "ref": party.party_id,
                    "company_id": self.company.id,
                }
            )
        country = self._countries.get(address.country_code)
        state = (
            self.env["res.country.state"].search(
                [("country_id", "=", country.id), ("code", "=", address.state)], limit=1
            )
            if country and address.state
            else self.env["res.country.state"]
        )
        return self.env["res.partner"].create(
            {
                "parent_id": self.account.vendor_partner_id.id,
                "type": kind,
                "name": address.name or default_name,
                "ref": party.party_id,
                "street": address.street,
                "street2": address.street2 or False,
                "city": address.city,
                "zip": address.zip,
                "state_id": state.id,
                "country_id": country.id if country else False,
                "phone": address.phone or False,
                "company_id": self.company.id,
            }
        )

    def pricelist(self, currency_code):
        if currency_code not in self._pricelists:
            self._pricelists[currency_code] = self._find_pricelist(currency_code)
        return self._pricelists[currency_code]

    def _find_pricelist(self, currency_code):
        chosen = self.account.vendor_pricelist_id
        if chosen and (not currency_code or chosen.currency_id.name == currency_code):
            return chosen
        return find_pricelist(
            self.env, self.company, currency_code or self.company.currency_id.name
        )
