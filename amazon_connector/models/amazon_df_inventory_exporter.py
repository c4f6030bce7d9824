"""The daily direct fulfilment inventory: what the one direct fulfilment warehouse can ship,
sent to the one Amazon warehouse id as a full update.

The products sold through direct fulfilment are the account's offers (an SKU and ASIN per
product) and the products its direct fulfilment orders sold; each gets the quantity the
seller's stock export would publish (free stock less the safety reserve, never below zero;
back-orderable products the account's back-order quantity). A full update sets every item
Amazon does not hear about to zero, so it is sent in batches Amazon accepts: the first as
the full update, the others as partial updates on top. Each batch is a transaction whose
outcome is read back; a refused one shows Amazon's errors on the account, and "Send
inventory now" sends the whole update again.
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

from ..amazon_sp.documents import AmazonDocumentError, DfInventoryItem, build_inventory_updates

CHANNEL = "direct_fulfillment"


class AmazonDfInventoryExporter(models.AbstractModel):
    _name = "amazon.df.inventory.exporter"
    _description = "Amazon Direct Fulfilment Inventory Sender"

    @api.model
    def _is_due(self, account, now=None):
        """Due once a day, from the account's hour in the company's time zone."""
        now = now or fields.Datetime.now()
        zone = pytz.timezone(account.company_id.partner_id.tz or self.env.user.tz or "UTC")
        local_now = pytz.utc.localize(now).astimezone(zone)
        hours = max(0.0, min(account.df_inventory_hour, 23.99))
        today_at = zone.localize(
            datetime.combine(local_now.date(), time()) + timedelta(hours=hours)
        )
        due_since = today_at.astimezone(pytz.utc).replace(tzinfo=None)
        if now < due_since:
            return False
        return not account.df_inventory_date or account.df_inventory_date < due_since

    @api.model
    def _items(self, account):
        """DfInventoryItems of every product sold through direct fulfilment."""
        entries, identifiers = [], {}
        offers = self.env["amazon.offer"].search(
            [("account_id", "=", account.id), ("product_id", "!=", False)]
        )
        for offer in offers:
            if offer.product_id.id not in identifiers:
                identifiers[offer.product_id.id] = (offer.sku, offer.asin or "")
                entries.append((offer.product_id.id, offer.product_id, offer._reserve()))
        reserve = (account.stock_reserve_type, account.stock_reserve)
        sold = self.env["sale.order.line"]._read_group(
            [
                ("order_id.amazon_account_id", "=", account.id),
                ("order_id.amazon_channel", "=", CHANNEL),
                ("product_id", "!=", False),
                ("amazon_vendor_product_ref", "!=", False),
            ],
            groupby=["product_id", "amazon_vendor_product_ref", "amazon_asin"],
        )
        for product, vendor_ref, asin in sold:
            if product.id not in identifiers:
                identifiers[product.id] = (vendor_ref, asin or "")
                entries.append((product.id, product, reserve))
        quantities = self.env["amazon.offer.exporter"]._free_quantities(
            account.df_warehouse_id, entries, account.backorder_quantity
        )
        return [
            DfInventoryItem(
                vendor_product_id=identifiers[product_id][0],
                asin=identifiers[product_id][1],
                quantity=quantity,
                is_obsolete=False,
            )
            for product_id, quantity in quantities.items()
        ]

    @api.model
    def _send(self, account, client):
        """Send the full update, batch after batch. Returns how many batches were sent."""
        warehouse = account._df_inventory_warehouse()
        items = self._items(account)
        try:
            if not warehouse:
                raise AmazonDocumentError(
                    self.env._(
                        "Give the account Amazon's inventory warehouse (or a ship-from "
                        "warehouse) to send the inventory."
                    ),
                    document="inventory update",
                )
            selling_party = account._df_selling_party()
            if not selling_party:
                raise AmazonDocumentError(
                    self.env._("Give the account its vendor code to send the inventory."),
                    document="inventory update",
                )
            bodies = build_inventory_updates(selling_party, items)
        except AmazonDocumentError as error:
            account.write({"df_inventory_state": "failed", "df_inventory_error": str(error)})
            return 0
        Transaction = self.env["amazon.vendor.transaction"]
        # A throttled or failing batch raises: the update is sent again in full next time.
        for body in bodies:
            Transaction._record(
                account,
                "df_inventory",
                client.submit_inventory_update(warehouse, body),
                item_count=len(body["inventory"]["items"]),
            )
        account.write(
            {
                "df_inventory_state": "sent",
                "df_inventory_error": False,
                "df_inventory_date": fields.Datetime.now(),
                "df_inventory_items": len(items),
            }
        )
        return len(bodies)

    @api.model
    def _transaction_done(self, transaction):
        account = transaction.account_id
        if transaction.state == "failure":
            account.write({"df_inventory_state": "failed", "df_inventory_error": transaction.error})
            account._ask_a_person(
                account,
                self.env._("Amazon refused the inventory update"),
                self.env._(
                    "Amazon's answer: %s. Fix the cause, then press Send inventory now.",
                    transaction.error,
                ),
            )
            return
        pending = self.env["amazon.vendor.transaction"].search_count(
            [
                ("account_id", "=", account.id),
                ("kind", "=", "df_inventory"),
                ("state", "=", "processing"),
            ]
        )
        if not pending and account.df_inventory_state == "sent":
            account.df_inventory_state = "done"
