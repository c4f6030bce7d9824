"""Free stock and prices of an account's FBM offers, sent to Amazon when they change.

Quantities: free quantity (on hand minus reserved) of each offer's product over the account's
warehouses, minus the safety reserve, never below zero; back-orderable products get the
account's fixed back-order quantity. Prices: each marketplace's pricelist. Everything is
computed for all offers at once (a few grouped queries, none per offer). Only what differs from
what Amazon last accepted is sent: a handful through patchListingsItem, more in
JSON_LISTINGS_FEEDs whose processing reports are read back on the next runs.
"""

import json
import logging
import math

from odoo import api, models

from ..amazon_sp.documents import (
    FEED_TYPE,
    MAX_FEED_MESSAGES,
    AmazonDocumentError,
    OfferUpdate,
    build_listings_feed,
    parse_processing_report,
    submission_errors,
)
from ..amazon_sp.documents.listings import CONTENT_TYPE, PRODUCT_TYPE

_logger = logging.getLogger(__name__)

# Amazon accepts 5 JSON_LISTINGS_FEEDs per 5 minutes and seller: at most that many a run.
FEEDS_PER_RUN = 5


class AmazonOfferExporter(models.AbstractModel):
    _name = "amazon.offer.exporter"
    _description = "Amazon Stock and Price Exporter"

    # ------------------------------------------------------------------ what to send

    @api.model
    def _offer_quantities(self, account, offers):
        """{offer id: quantity to publish} for FBM offers, computed in one batch."""
        return self._free_quantities(
            account._stock_warehouses(),
            [(offer.id, offer.product_id, offer._reserve()) for offer in offers],
            account.backorder_quantity,
        )

    @api.model
    def _free_quantities(self, warehouses, entries, backorder_quantity):
        """{key: quantity Amazon is told is available} of `entries` [(key, product,
        (reserve kind, reserve value))]: the products' free stock over `warehouses` less the
        reserve, never below zero; back-orderable products get `backorder_quantity`. The
        seller's stock export and the direct fulfilment inventory both count this way."""
        products = self.env["product.product"].union(*(product for _k, product, _r in entries))
        free = products.with_context(warehouse_id=warehouses.ids)._compute_quantities_dict(
            None, None, None
        )
        quantities = {}
        for key, product, (kind, value) in entries:
            if product.amazon_backorderable:
                quantities[key] = backorder_quantity
                continue
            available = max(0.0, free.get(product.id, {}).get("free_qty", 0.0))
            if kind == "percent":
                available = available * (1 - value / 100.0)
            else:
                available -= value
            quantities[key] = max(0, math.floor(available + 1e-9))
        return quantities

    @api.model
    def _offer_prices(self, account, offers):
        """{offer id: {marketplace id: price}} from each marketplace's pricelist."""
        prices = {offer.id: {} for offer in offers}
        for line in account.marketplace_setting_ids.filtered("pricelist_id"):
            marketplace = line.marketplace_id
            concerned = offers.filtered(
                lambda o, m=marketplace: not o.marketplace_id or o.marketplace_id == m
            )
            if not concerned:
                continue
            by_product = line.pricelist_id._get_products_price(concerned.product_id, 1.0)
            currency = line.pricelist_id.currency_id
            for offer in concerned:
                price = currency.round(by_product.get(offer.product_id.id, 0.0))
                prices[offer.id][marketplace.marketplace_id] = price
        return prices

    @api.model
    def _changes(self, account, offers):
        """[(offer, OfferUpdate, quantity or None, {marketplace: price})] of what changed."""
        quantities = self._offer_quantities(account, offers)
        prices = self._offer_prices(account, offers)
        currencies = {
            m.marketplace_id: m.currency_id.name
            for m in account.marketplace_setting_ids.filtered("pricelist_id").marketplace_id
        }
        changes = []
        for offer in offers:
            quantity = quantities[offer.id]
            if offer.amazon_export_date and quantity == offer.amazon_quantity:
                quantity = None
            offer_prices = prices[offer.id]
            if offer_prices == offer._sent_prices():
                offer_prices = {}
            if quantity is None and not offer_prices:
                continue
            update = OfferUpdate(
                sku=offer.sku,
                quantity=quantity,
                prices=tuple(
                    (marketplace, currencies[marketplace], price)
                    for marketplace, price in sorted(offer_prices.items())
                ),
            )
            changes.append((offer, update, quantity, offer_prices))
        return changes

    # ------------------------------------------------------------------ sending

    @api.model
    def _export(self, account):
        """Send the account's changed quantities and prices; returns the offers sent."""
        offers = self.env["amazon.offer"].search(
            [
                ("account_id", "=", account.id),
                ("fulfillment_channel", "=", "fbm"),
                ("amazon_export_state", "!=", "pending"),
            ]
        )
        changes = self._changes(account, offers)
        if not changes:
            return 0
        with account._amazon_client() as client:
            if len(changes) <= account.listing_patch_limit:
                self._patch_items(account, client, changes)
            else:
                self._send_feeds(account, client, changes)
        return len(changes)

    def _marketplaces_of(self, account, offer):
        return (
            [offer.marketplace_id.marketplace_id]
            if offer.marketplace_id
            else (account.marketplace_ids.mapped("marketplace_id"))
        )

    def _patch_items(self, account, client, changes):
        for offer, update, quantity, prices in changes:
            response = client.patch_listings_item(
                account.seller_id,
                offer.sku,
                self._marketplaces_of(account, offer),
                PRODUCT_TYPE,
                update.patches(),
            )
            errors = submission_errors(response)
            offer._record_export({"quantity": quantity, "prices": prices}, errors or None)

    def _send_feeds(self, account, client, changes):
        marketplaces = account.marketplace_ids.mapped("marketplace_id")
        cron = self.env["ir.cron"]
        for start in range(0, len(changes), MAX_FEED_MESSAGES)[:FEEDS_PER_RUN]:
            chunk = changes[start : start + MAX_FEED_MESSAGES]
            content = build_listings_feed(
                account.seller_id, [update for _o, update, _q, _p in chunk]
            )
            # A throttled createFeed raises here: nothing is marked, the next run resends.
            feed_ref, document_ref = client.submit_feed(
                FEED_TYPE, marketplaces, content, CONTENT_TYPE
            )
            messages = {
                number: [offer.id, quantity, prices]
                for number, (offer, _update, quantity, prices) in enumerate(chunk, 1)
            }
            feed = self.env["amazon.feed"].create(
                {
                    "account_id": account.id,
                    "feed_ref": feed_ref,
                    "document_ref": document_ref,
                    "feed_type": FEED_TYPE,
                    "message_count": len(chunk),
                    "messages": json.dumps(messages),
                }
            )
            offers = self.env["amazon.offer"].browse([offer.id for offer, *_rest in chunk])
            offers.write({"amazon_export_state": "pending", "amazon_feed_id": feed.id})
            cron._commit_progress(len(chunk), remaining=max(len(changes) - start - len(chunk), 0))

    # ------------------------------------------------------------------ reading back

    @api.model
    def _check_feeds(self, account):
        """Read the processing reports of the account's feeds Amazon has finished."""
        feeds = self.env["amazon.feed"].search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "submitted"),
                ("feed_type", "=", FEED_TYPE),
            ]
        )
        if not feeds:
            return
        with account._amazon_client() as client:
            for feed in feeds:
                status = client.get_feed(feed.feed_ref)
                processing = status.get("processingStatus")
                if processing == "DONE":
                    content = client.download_feed_document(status["resultFeedDocumentId"])
                    self._apply_report(feed, content)
                elif processing in ("FATAL", "CANCELLED"):
                    result = status.get("resultFeedDocumentId")
                    text = client.download_feed_document(result).decode() if result else ""
                    self._fail_feed(feed, f"{processing}: {text[:2000]}")

    def _apply_report(self, feed, content):
        try:
            report = parse_processing_report(content)
        except AmazonDocumentError as error:
            self._fail_feed(feed, str(error))
            return
        offers = (
            self.env["amazon.offer"]
            .browse([offer_id for offer_id, *_rest in feed._message_map().values()])
            .exists()
        )
        by_id = {offer.id: offer for offer in offers}
        for number, (offer_id, quantity, prices) in feed._message_map().items():
            offer = by_id.get(offer_id)
            if offer:
                offer._record_export(
                    {"quantity": quantity, "prices": prices}, report.errors.get(number)
                )
        feed.write(
            {
                "state": "done",
                "accepted_count": report.messages_accepted,
                "error_count": len(report.errors),
            }
        )

    def _fail_feed(self, feed, message):
        offers = self.env["amazon.offer"].search([("amazon_feed_id", "=", feed.id)])
        offers.write({"amazon_export_state": "error", "amazon_export_error": message})
        feed.write({"state": "fatal", "result": message})
