"""Amazon's direct fulfilment orders (the vendor ships Amazon's customer's parcel) imported
once each as confirmed sale orders, and acknowledged at once.

An order becomes a sale order for the account's "Amazon" customer (Amazon buys, Amazon's
customer receives): its delivery address is Amazon's customer, a contact made from the
restricted ship-to address and marked as Amazon's buyer (anonymised with the buyer data),
in the account's direct fulfilment warehouse, with Amazon's purchase order number as
customer reference, the ship method, gift options and packing slip requirement shown, and
the required ship date as commitment date. Lines are matched like Vendor Central's (the
vendor's product identifier as internal reference or barcode, then the ASIN of an offer)
at Amazon's net price.

Accepted orders are confirmed at import and acknowledged with Amazon's full accept. When the
account says so, an order with an unknown item, or an item its warehouse's free stock does
not cover, is rejected with Amazon's reason instead: it stays a quotation until Amazon took
the rejection, then is cancelled. Otherwise an unknown item holds the order in an import
issue (Retry, or the next download, imports it once the product is known). An order already
in Odoo is never changed by a later download.
"""

from odoo import models
from odoo.fields import Command

from ..amazon_sp.documents import (
    DfAcknowledgementCode,
    RejectionReason,
    split_df_orders,
)
from .amazon_order_importer import DeliveryContacts, ImportProblem, OrderHeld
from .amazon_vendor_order_importer import _Lookups

CHANNEL = "direct_fulfillment"
# The line's rejection reason, as Amazon's direct fulfilment acknowledgement code.
REJECTION_CODES = {
    RejectionReason.INVALID_PRODUCT_IDENTIFIER: DfAcknowledgementCode.INVALID_SKU,
    RejectionReason.TEMPORARILY_UNAVAILABLE: DfAcknowledgementCode.OUT_OF_STOCK,
}


class AmazonDfOrderImporter(models.AbstractModel):
    _name = "amazon.df.order.importer"
    _inherit = ["amazon.vendor.document.importer"]
    _description = "Amazon Direct Fulfilment Order Importer"
    _split = staticmethod(split_df_orders)
    _channel = CHANNEL

    def _import_read(self, account, read_orders):
        problems, orders = [], {}
        for read in read_orders:
            if read.error is not None:
                problems.append(self._unreadable(read))
            elif self._is_ours(account, read.order):
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
        new = [order for number, order in orders.items() if number not in existing]
        lookups = _Lookups(self.env, account, new)
        contacts = self._prepare_contacts(account, new)
        available = self._free_stock(account, lookups, new)
        created = {}
        for order in sorted(new, key=lambda o: (o.ordered, o.number)):
            try:
                with self.env.cr.savepoint():
                    created[order.number] = self._create(
                        account, order, lookups, contacts, available
                    )
            except OrderHeld as held:
                problems.append(
                    ImportProblem(
                        order.number, held.kind, held.reason, raw=order.raw, channel=CHANNEL
                    )
                )
            except Exception as error:  # confined to its order: an import issue
                problems.append(self._failed(order.number, order, error))
        return self._close_page(account, problems, existing, created)

    @staticmethod
    def _is_ours(account, order):
        """Only the orders of the account's vendor codes and ship-from warehouses, when it
        names some."""
        codes = account._vendor_codes()
        warehouses = set(account._df_ship_from_codes())
        return (not codes or order.selling_party.party_id in codes) and (
            not warehouses or order.ship_from_party.party_id in warehouses
        )

    # ------------------------------------------------------------------ the order

    def _prepare_contacts(self, account, orders):
        """The delivery contacts of the page's orders (Amazon's customers), in one go."""
        contacts = DeliveryContacts(self.env, account.company_id)
        parent = account.vendor_partner_id
        contacts.prepare(
            {
                contacts.key(parent, order.ship_to): (parent, order.ship_to)
                for order in orders
                if order.ship_to and order.ship_to.country_code in contacts.countries
            },
            amazon_buyer=True,
        )
        return contacts

    def _free_stock(self, account, lookups, orders):
        """{product id: free units} of the direct fulfilment warehouse, shared out over the
        page's orders as they are imported (only read when shortages are rejected)."""
        if not account.df_reject_unavailable:
            return None
        products = self.env["product.product"]
        for order in orders:
            for item in order.items:
                try:
                    products |= lookups.product(item)
                except OrderHeld:
                    continue
        free = products.with_context(
            warehouse_id=account.df_warehouse_id.id
        )._compute_quantities_dict(None, None, None)
        return {product_id: max(0.0, q["free_qty"]) for product_id, q in free.items()}

    def _create(self, account, order, lookups, contacts, available):
        if not order.items:
            raise OrderHeld("document", self.env._("The order has no item."))
        delivery = self._delivery_contact(account, order, contacts)
        lines, rejection = self._lines(account, order, lookups, available)
        sale = self.env["sale.order"].create(
            {
                "company_id": account.company_id.id,
                "partner_id": account.vendor_partner_id.id,
                "partner_invoice_id": account.vendor_partner_id.id,
                "partner_shipping_id": delivery.id,
                "warehouse_id": account.df_warehouse_id.id,
                "pricelist_id": lookups.pricelist(self._currency(order)).id,
                "payment_term_id": account.vendor_payment_term_id.id,
                "client_order_ref": order.number,
                "date_order": order.ordered,
                "commitment_date": order.required_ship_date,
                "user_id": account.responsible_user_id.id,
                "amazon_account_id": account.id,
                "amazon_order_ref": order.number,
                "amazon_channel": CHANNEL,
                "amazon_selling_party": order.selling_party.party_id,
                "amazon_df_ship_from": order.ship_from_party.party_id,
                "amazon_df_customer_order_ref": order.customer_order_number,
                "amazon_df_ship_method": order.ship_method,
                "amazon_df_promised_delivery": order.promised_delivery_date,
                "amazon_df_priority": order.is_priority,
                "amazon_df_gift": order.is_gift or any(i.gift_message for i in order.items),
                "amazon_df_gift_message": "\n".join(
                    dict.fromkeys(i.gift_message for i in order.items if i.gift_message)
                )
                or False,
                "amazon_df_packing_slip_required": order.is_pslip_required,
                "amazon_df_ack_code": rejection or DfAcknowledgementCode.ACCEPTED,
                "amazon_ack_state": "to_send",
                "order_line": [Command.create(values) for values in lines],
            }
        )
        if not rejection:
            sale.action_confirm()
            if account.df_use_amazon_labels:
                sale.picking_ids.filtered(
                    lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
                ).write({"amazon_df_label_state": "to_send"})
        return sale

    def _delivery_contact(self, account, order, contacts):
        """Amazon's customer, whose address the order must have: never imported without."""
        address = order.ship_to
        if not address or not address.street:
            raise OrderHeld(
                "address",
                self.env._(
                    "Amazon gave no ship-to address: the order is imported once Amazon "
                    "gives it (the account needs Amazon's restricted ship-to data)."
                ),
            )
        if address.country_code not in contacts.countries:
            raise OrderHeld(
                "address",
                self.env._("Unknown country code %r in the ship-to address.", address.country_code),
            )
        return contacts.contact(account.vendor_partner_id, address)

    @staticmethod
    def _currency(order):
        return next((item.currency for item in order.items if item.currency), "")

    def _lines(self, account, order, lookups, available):
        """(line values, Amazon's rejection code or None). Known items are lines at Amazon's
        net price; with rejections on, an unknown item (a note line) or a shortage rejects
        the whole order, as direct fulfilment acknowledges whole orders."""
        lines, reason = [], None
        taken = {}
        for item in order.items:
            try:
                product = lookups.product(item)
            except OrderHeld:
                if not account.df_reject_unavailable:
                    raise
                reason = RejectionReason.INVALID_PRODUCT_IDENTIFIER
                lines.append(
                    {
                        "display_type": "line_note",
                        "amazon_item_sequence": item.sequence,
                        "amazon_asin": item.asin or False,
                        "amazon_vendor_product_ref": item.vendor_product_id or False,
                        "amazon_ordered_qty": item.quantity,
                        "amazon_quantity_unit": "Eaches",
                        "name": self.env._(
                            "Unknown item %(item)s: vendor identifier %(vendor)s, ASIN "
                            "%(asin)s, %(quantity)s ordered",
                            item=item.sequence,
                            vendor=item.vendor_product_id or "-",
                            asin=item.asin or "-",
                            quantity=item.quantity,
                        ),
                    }
                )
                continue
            values = {
                "product_id": product.id,
                "product_uom_qty": item.quantity,
                "amazon_item_sequence": item.sequence,
                "amazon_asin": item.asin or False,
                "amazon_vendor_product_ref": item.vendor_product_id or False,
                "amazon_ordered_qty": item.quantity,
                "amazon_quantity_unit": "Eaches",
                "amazon_accepted_qty": item.quantity,
                "amazon_backordered_qty": 0,
                "amazon_rejected_qty": 0,
            }
            if item.net_price is not None:
                values["price_unit"] = float(item.net_price)
                values["amazon_net_cost"] = float(item.net_price)
            if available is not None and product.is_storable:
                taken[product.id] = taken.get(product.id, 0.0) + item.quantity
                if taken[product.id] > available.get(product.id, 0.0):
                    reason = reason or RejectionReason.TEMPORARILY_UNAVAILABLE
            lines.append(values)
        if reason:
            for values in lines:
                if values.get("amazon_item_sequence"):
                    values.update(
                        amazon_accepted_qty=0,
                        amazon_rejected_qty=values["amazon_ordered_qty"],
                        amazon_rejection_reason=reason,
                    )
            return lines, REJECTION_CODES[reason]
        if available is not None:
            for product_id, quantity in taken.items():
                available[product_id] = available.get(product_id, 0.0) - quantity
        return lines, None
