"""`AmazonEmulator`: Login with Amazon and the SP-API on a local HTTP server.

    with AmazonEmulator() as amazon:
        amazon.add_seller("A1SELLER", "client-id", "secret", "Atzr|refresh", ["US"])
        amazon.add_order("A1SELLER", make_order("111-0000001-0000001", "ATVPDKIKX0DER", ...))
        ...  # point the client at amazon.url and amazon.lwa_url
        amazon.assert_contract_clean()

Every SP-API request is checked against Amazon's models before it is served (a request that
breaks them gets a 400), and every reply is checked too; what breaks the models ends up in
`contract_violations`.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from . import scenarios
from .as2_partner import AS2_OPERATION, AS2_PATH, AmazonAs2Partner
from .clock import as_utc, format_timestamp, parse_timestamp, utc_now
from .contract import find_models_dir, load_contract_validator
from .direct_fulfillment import SINGLE_ERROR_STATUSES, DirectFulfillmentDesk, single_error
from .faults import DOCUMENT_OPERATIONS, LWA_OPERATION, Fault, FaultQueue
from .feeds import FeedDesk
from .finances import FinanceDesk
from .listings import ListingStore
from .marketplaces import get_marketplace
from .operations import LWA_PATH, Operations, is_restricted_resource, route
from .order_feeds import OrderFeedDesk
from .orders import apply_fulfillment_status, cancel_items, deep_merge
from .ratelimit import USAGE_PLANS, RateLimiter, throttled_reply
from .reports import ReportDesk, ReportGenerator
from .returns import RETURNS_REPORT_TYPE, ReturnsDesk
from .settlements import (
    SETTLEMENT_REPORT_TYPE,
    build_settlement,
    settlement_id_for,
    settlement_report_id,
)
from .shipments import ShipmentDesk
from .store import EmulatorStore, SellerAccount, marketplace_ids_of
from .tokens import RestrictedDataTokens
from .vendor_invoices import VendorInvoicesDesk
from .vendor_orders import VendorOrdersDesk
from .vendor_shipments import VendorShipmentsDesk
from .vendor_transactions import TransactionDesk
from .wire import Reply, Request, error_reply, invalid_input

_log = logging.getLogger("amazon_emulator")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator received, and the status it answered."""

    method: str
    path: str
    # operationId, "lwaToken", "uploadFeedDocument"/"downloadDocument" (the pre-signed URLs of
    # feed and report documents), or None when nothing is served there
    operation: str | None
    query: dict[str, list[str]]
    headers: dict[str, str] = field(repr=False)  # holds tokens: kept out of reprs
    body: bytes = field(repr=False)
    status: int
    response_json: object = field(repr=False)  # None when the reply was not JSON

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class AmazonEmulator:
    """Amazon's side of the wire, for tests (in-process) and demos (`python -m amazon_emulator`)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        models_dir: str | os.PathLike | None = None,
        validate: bool = True,
        clock: Callable[[], datetime] | None = None,
        *,
        enforce_rate_limits: bool = False,
        feed_processing_polls: int = 1,
        report_processing_polls: int = 1,
        vendor_transaction_polls: int = 1,
    ):
        """`feed_processing_polls`: how many getFeed calls answer IN_PROGRESS before a feed is
        processed (DONE or FATAL); 0 processes feeds when they are created.
        `report_processing_polls`: the same for requested reports and getReport.
        `vendor_transaction_polls`: the same for vendor submissions (submitAcknowledgement,
        SubmitShipments, SubmitShipmentConfirmations, submitInvoices, and the Direct
        Fulfillment submissions) and getTransaction / getTransactionStatus (Processing, then
        Success or Failure)."""
        self._address = (host, port)
        self._clock = clock or utc_now
        self._models_dir = models_dir
        self._contract = load_contract_validator(models_dir) if validate else None
        self.enforce_rate_limits = enforce_rate_limits
        self._store = EmulatorStore()
        self._listings = ListingStore()
        self._shipments = ShipmentDesk(self._store, self.now)
        self._finances = FinanceDesk(self._store, self.now)
        self._order_feeds = OrderFeedDesk(
            self._store,
            schemas_dir=lambda: find_models_dir(self._models_dir),
            report_problems=self._add_violations if self._contract else lambda _problems: None,
            on_refund=self._finances.add_seller_refund,
        )
        self._feeds = FeedDesk(
            self._listings,
            self.now,
            schemas_dir=lambda: find_models_dir(self._models_dir),
            report_problems=self._add_violations if self._contract else lambda _problems: None,
            processing_polls=feed_processing_polls,
            order_feeds=self._order_feeds,
        )
        self._reports = ReportDesk(self.now, processing_polls=report_processing_polls)
        self._returns = ReturnsDesk(self._store, self.now)
        self._vendor_transactions = TransactionDesk(
            self.now, processing_polls=vendor_transaction_polls
        )
        self._vendor_orders = VendorOrdersDesk(self._store, self.now, self._vendor_transactions)
        self._vendor_shipments = VendorShipmentsDesk(
            self._store, self.now, self._vendor_transactions, self._vendor_orders
        )
        self._vendor_invoices = VendorInvoicesDesk(
            self._store,
            self.now,
            self._vendor_transactions,
            self._vendor_orders,
            self._vendor_shipments,
        )
        self._direct_fulfillment = DirectFulfillmentDesk(
            self._store, self.now, self._vendor_transactions
        )
        self._tokens = RestrictedDataTokens(self.now, is_restricted_resource)
        self._as2 = AmazonAs2Partner(self.now, lambda: self.url)
        self._reports.set_generator(RETURNS_REPORT_TYPE, self._returns.report_document)
        self._operations = Operations(
            self._store,
            self.now,
            shipments=self._shipments,
            feeds=self._feeds,
            reports=self._reports,
            listings=self._listings,
            finances=self._finances,
            vendor_orders=self._vendor_orders,
            vendor_transactions=self._vendor_transactions,
            vendor_shipments=self._vendor_shipments,
            vendor_invoices=self._vendor_invoices,
            direct_fulfillment=self._direct_fulfillment,
            tokens=self._tokens,
            base_url=lambda: self.url,
        )
        self._faults = FaultQueue()
        self._rate_limiter = RateLimiter(self.now)
        self._records_lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._violations: list[str] = []
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    # Life cycle

    def start(self) -> AmazonEmulator:
        if self._server is not None:
            return self
        if self._contract is not None:
            self._contract.load()  # now rather than while the first request waits
        self._server = _HttpServer(self._address, self._handle)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how long stop() may wait
            name=f"amazon-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        _log.info("amazon_emulator: listening on %s", self.url)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> AmazonEmulator:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return self._address[0]

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The SP-API endpoint, the emulator's stand-in for https://sellingpartnerapi-na.amazon.com."""
        return f"http://{self.host}:{self.port}"

    @property
    def lwa_url(self) -> str:
        """The Login with Amazon token URL, stand-in for https://api.amazon.com/auth/o2/token."""
        return self.url + LWA_PATH

    def now(self) -> datetime:
        return as_utc(self._clock())

    @property
    def as2(self) -> AmazonAs2Partner:
        """Amazon's AS2 endpoint for vendors on EDI (POST `as2.url`) and what it sends them;
        see `amazon_emulator.as2_partner`."""
        return self._as2

    @property
    def contract_checks_enabled(self) -> bool:
        return self._contract is not None

    # Sellers and their orders

    def add_seller(
        self,
        seller_id: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        marketplace_ids: Iterable[str],
        *,
        store_name: str | None = None,
    ) -> None:
        """Register a selling partner: its app credentials and the marketplaces it sells in
        (ids or country codes). Several sellers may share one app (client id and secret)."""
        self._store.add_seller(
            SellerAccount(
                seller_id=seller_id,
                client_id=client_id,
                client_secret=client_secret,
                refresh_token=refresh_token,
                marketplace_ids=marketplace_ids_of(marketplace_ids),
                store_name=store_name or f"Store {seller_id}",
            )
        )

    def issue_access_token(self, seller_id: str, expires_in: int = 3600) -> str:
        """An access token for `seller_id`, as if its client had called the token endpoint."""
        return self._operations.issue_access_token(seller_id, expires_in)

    def add_order(self, seller_id: str, order: Mapping) -> None:
        """Store an Orders API 2026-01-01 `Order` (as `make_order` builds), as it is."""
        self._store.put_order(seller_id, dict(order))

    def get_stored_order(self, seller_id: str, order_id: str) -> dict | None:
        """A copy of the stored order, with every dataset."""
        return copy.deepcopy(self._store.order(seller_id, order_id))

    def update_order(self, seller_id: str, order_id: str, **changes) -> dict:
        """Change order fields (nested dicts are merged) and bump `lastUpdatedTime` to now,
        unless the changes set it. Returns a copy of the changed order."""

        def change(order: dict) -> None:
            deep_merge(order, changes)
            if "lastUpdatedTime" not in changes:
                self._touch(order)

        return self._store.change_order(seller_id, order_id, change)

    def set_fulfillment_status(self, seller_id: str, order_id: str, status: str) -> dict:
        """Move the order to `status` (items' quantities follow) and bump `lastUpdatedTime`."""

        def change(order: dict) -> None:
            apply_fulfillment_status(order, status)
            self._touch(order)

        return self._store.change_order(seller_id, order_id, change)

    def cancel_order(
        self,
        seller_id: str,
        order_id: str,
        cancelled_by: str = "BUYER",
        reason: str | None = None,
    ) -> dict:
        """Cancel the order (items get a `cancellation`) and bump `lastUpdatedTime`."""

        def change(order: dict) -> None:
            apply_fulfillment_status(order, "CANCELLED", cancelled_by, reason)
            self._touch(order)

        return self._store.change_order(seller_id, order_id, change)

    def cancel_items(
        self, seller_id: str, order_id: str, skus: Iterable[str], cancelled_by: str = "BUYER"
    ) -> dict:
        """Cancel some items of the order (the rest goes on) and bump `lastUpdatedTime`."""

        def change(order: dict) -> None:
            cancel_items(order, skus, cancelled_by)
            self._touch(order)

        return self._store.change_order(seller_id, order_id, change)

    def _touch(self, order: dict) -> None:
        order["lastUpdatedTime"] = format_timestamp(self.now())

    def load_scenario(self, data: Mapping | str) -> None:
        """Add sellers, orders, refunds, settlements and purchase orders: `{"sellers":
        [add_seller kwargs...], "orders": {seller_id: [Order...]}, "refunds": {seller_id:
        [add_refund kwargs...]}, "settlements": {seller_id: [add_settlement kwargs...]},
        "purchase_orders": {seller_id: [Vendor Orders Order...]}, "vendor_freight_terms":
        {seller_id: "Prepaid" or "Collect"}, "df_orders": {seller_id: [Vendor Direct
        Fulfillment Order...]}}` (in a JSON file, times are ISO 8601 strings), or
        the name of a built-in scenario ("demo"). Refunds are made after the orders,
        settlements after both, from them."""
        if isinstance(data, str):
            data = scenarios.build_scenario(data, self.now())
        for seller in data.get("sellers", []):
            self.add_seller(**seller)
        # In this order: refunds are made from orders, settlements from both.
        adders: tuple[tuple[str, Callable[[str, Mapping], object]], ...] = (
            ("orders", self.add_order),
            ("refunds", lambda seller_id, refund: self.add_refund(seller_id, **refund)),
            ("settlements", lambda seller_id, given: self.add_settlement(seller_id, **given)),
            ("purchase_orders", self.add_purchase_order),
            ("df_orders", self.add_df_order),
        )
        for key, add in adders:
            for seller_id, entries in data.get(key, {}).items():
                for entry in entries:
                    add(seller_id, entry)
        for seller_id, term in data.get("vendor_freight_terms", {}).items():
            self.set_vendor_freight_term(seller_id, term)

    def load_scenario_file(self, path: str | os.PathLike) -> None:
        self.load_scenario(json.loads(Path(path).read_text(encoding="utf-8")))

    # Shipments (Orders v0 confirmShipment)

    def reject_next_shipment(self, order_id: str, message: str) -> None:
        """Make Amazon refuse the next confirmation of `order_id` (400 with `message`)."""
        self._shipments.reject_next(order_id, message)

    def shipments_for(
        self, seller_id: str, order_id: str, *, include_rejected: bool = False
    ) -> list[dict]:
        """The confirmShipment bodies Amazon accepted for the order, oldest first (with
        `include_rejected`, also those it answered with 400 or 404)."""
        return self._shipments.confirmations(seller_id, order_id, include_rejected)

    # Listings (patchListingsItem, JSON_LISTINGS_FEED)

    def listing(self, seller_id: str, sku: str, marketplace_id: str | None = None) -> dict | None:
        """The seller's listing of `sku`: {sku, marketplace_id, product_type, quantity,
        price (Decimal), currency, last_updated_time}, None when never listed. Without
        `marketplace_id` (an id or country code): the first of the seller's marketplaces
        that has it."""
        marketplaces = (
            [get_marketplace(marketplace_id).marketplace_id]
            if marketplace_id
            else self._store.seller(seller_id).marketplace_ids
        )
        return self._listings.listing(seller_id, sku, marketplaces)

    def set_known_skus(self, seller_id: str, skus: Iterable[str] | None) -> None:
        """The seller's SKUs: patches and feed messages for others are refused. None (the
        default) accepts any SKU."""
        self._store.seller(seller_id)
        self._listings.set_known_skus(seller_id, skus)

    def reject_listing(self, seller_id: str, sku: str, message: str) -> None:
        """Make Amazon refuse every submission for `sku` with an ERROR issue `message`."""
        self._store.seller(seller_id)
        self._listings.reject(seller_id, sku, message)

    # Feeds

    @property
    def feed_processing_polls(self) -> int:
        return self._feeds.processing_polls

    @feed_processing_polls.setter
    def feed_processing_polls(self, polls: int) -> None:
        self._feeds.processing_polls = polls

    @property
    def feeds(self) -> list[dict]:
        """Every created feed, oldest first: getFeed's fields plus sellerId, feedOptions,
        inputFeedDocumentId, contentType, document (parsed JSON, else text) and report
        (the parsed processing report, None until processed)."""
        return self._feeds.feeds()

    # Order feeds (POST_PAYMENT_ADJUSTMENT_DATA, POST_ORDER_ACKNOWLEDGEMENT_DATA)

    def seller_refunds(self, seller_id: str, order_id: str) -> list[dict]:
        """The refunds order adjustment feeds made on the order, oldest first: {feed_id,
        message_id, posted, items: [{order_item_id, merchant_adjustment_item_id,
        adjustment_reason, quantity, currency, components: {Component Type: Decimal}}]}."""
        return self._order_feeds.refunds(seller_id, order_id)

    def reject_next_order_feed_message(self, order_id: str, message: str) -> None:
        """Make Amazon refuse the next order feed message (adjustment or acknowledgement) of
        `order_id`: an Error result with `message` in the processing report, nothing applied.
        Each call refuses one more message."""
        self._order_feeds.reject_next(order_id, message)

    # Reports

    def add_settlement(
        self,
        seller_id: str,
        marketplace_id: str,
        *,
        start: datetime | str,
        end: datetime | str,
        deposit: datetime | str | None = None,
        order_ids: Iterable[str] | None = None,
        refunds: Mapping[str, object] | None = None,
        refund_ids: Iterable[str] | None = None,
        other_fees: Mapping[str, object] | Iterable | None = None,
        unknown_orders: Iterable[Mapping] | None = None,
        compressed: bool = False,
        settlement_id: str | None = None,
        created: datetime | str | None = None,
    ) -> dict:
        """Make Amazon's settlement report of the seller's marketplace (an id or country code)
        for [start, end], from the stored orders (see `settlements.build_settlement` for
        `order_ids`, `refunds`, `other_fees` and `unknown_orders`). getReports lists it as a
        DONE GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2 created `created` (default now);
        `compressed` stores its document gzipped (compressionAlgorithm GZIP).
        `refund_ids`: refunds recorded by `add_refund` (adjustment ids or refund ids), settled
        with their adjustment id, posted date and amounts; a refund is settled once only.

        Returns {settlement_id, report_id, report_document_id, marketplace_id, currency,
        total_amount (Decimal), order_ids (settled), rows (data rows by column name), text}.
        The settlement id defaults to one derived from seller, marketplace and period, the
        same on every run; adding the same settlement twice raises ValueError.
        """
        seller = self._store.seller(seller_id)
        marketplace = get_marketplace(marketplace_id)
        if marketplace.marketplace_id not in seller.marketplace_ids:
            raise ValueError(f"seller {seller_id} does not sell in {marketplace.name}")
        start, end = _as_moment(start), _as_moment(end)
        settlement_id = settlement_id or settlement_id_for(
            seller_id, marketplace.marketplace_id, start, end
        )
        recorded_refunds = [self._finances.refund(seller_id, r) for r in refund_ids or ()]
        document = build_settlement(
            self._store.orders(seller_id),
            marketplace.marketplace_id,
            settlement_id=settlement_id,
            start=start,
            end=end,
            deposit=_as_moment(deposit) if deposit else None,
            order_ids=order_ids,
            refunds=refunds,
            recorded_refunds=recorded_refunds,
            other_fees=other_fees,
            unknown_orders=unknown_orders,
        )
        self._finances.check_unsettled(r["adjustment_id"] for r in recorded_refunds)
        report = self._reports.add_report(
            seller_id,
            SETTLEMENT_REPORT_TYPE,
            [marketplace.marketplace_id],
            document.text,
            data_start=start,
            data_end=end,
            created=_as_moment(created) if created else None,
            compressed=compressed,
            report_id=settlement_report_id(seller_id, settlement_id),
        )
        self._finances.mark_settled(r["adjustment_id"] for r in recorded_refunds)
        return {
            "settlement_id": settlement_id,
            "report_id": report.report_id,
            "report_document_id": report.document_id,
            "marketplace_id": marketplace.marketplace_id,
            "currency": document.currency,
            "total_amount": document.total_amount,
            "order_ids": list(document.order_ids),
            "rows": [dict(row) for row in document.rows],
            "text": document.text,
        }

    def add_report(
        self,
        seller_id: str,
        report_type: str,
        content: bytes | str,
        *,
        marketplace_ids: Iterable[str],
        data_start: datetime | None = None,
        data_end: datetime | None = None,
        created: datetime | None = None,
        compressed: bool = False,
    ) -> dict:
        """A DONE report Amazon made on its own, of any type, with `content` as its document.
        Returns {report_id, report_document_id}."""
        self._store.seller(seller_id)
        report = self._reports.add_report(
            seller_id,
            report_type,
            [get_marketplace(m).marketplace_id for m in marketplace_ids],
            content,
            data_start=data_start,
            data_end=data_end,
            created=created,
            compressed=compressed,
        )
        return {"report_id": report.report_id, "report_document_id": report.document_id}

    def add_fba_return(
        self,
        seller_id: str,
        order_id: str,
        sku: str,
        *,
        quantity: int = 1,
        disposition: str = "SELLABLE",
        reason: str = "UNWANTED_ITEM",
        status: str = "Unit returned to inventory",
        returned: datetime | str | None = None,
        license_plate: str | None = None,
        fulfillment_center: str = "PHX7",
        customer_comments: str = "",
    ) -> dict:
        """A buyer sent `quantity` shipped units of the stored FBA order's SKU back to Amazon
        at `returned` (default now); no license plate without `license_plate`. createReport of
        GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA lists it when its data window holds that
        moment (see `amazon_emulator.returns`). Returns the report row {column name: text};
        raises ValueError for an order that is not FBA, lacks the SKU or shipped fewer units
        than returned."""
        return self._returns.add(
            seller_id,
            order_id,
            sku,
            quantity=quantity,
            disposition=disposition,
            reason=reason,
            status=status,
            returned=returned,
            license_plate=license_plate,
            fulfillment_center=fulfillment_center,
            customer_comments=customer_comments,
        )

    def fba_returns(self, seller_id: str) -> list[dict]:
        """The seller's FBA customer returns (report rows), in the order they were added."""
        return self._returns.returns(seller_id)

    # Finances (listFinancialEvents, listFinancialEventsByOrderId)

    def add_refund(
        self,
        seller_id: str,
        order_id: str,
        *,
        items: Iterable[Mapping] | Mapping[str, int] | None = None,
        posted: datetime | str | None = None,
        visible_from: datetime | str | None = None,
        reason: str | None = None,
        include_shipping: bool = True,
        with_order_item_ids: bool = False,
    ) -> dict:
        """Amazon refunds shipped units of the stored order at `posted` (default now; a past
        moment makes an event that appears late); the Finances API serves it from
        `visible_from` (default now) as a ShipmentEvent of RefundEventList (see `finances`).

        `items`: None refunds every shipped unit not refunded yet; else {sku: quantity} or
        dicts {"sku" or "order_item_id", "quantity"?, "restocking_fee"?}. Amounts are the
        items' proceeds in proportion to the units refunded, shipping (and its tax and
        discount) only with `include_shipping`; tax Amazon collected is withheld back.
        `with_order_item_ids` adds OrderItemId to the event's items (Amazon often leaves it
        out of refunds). `reason` is kept here only (the model has no field for it).

        Returns {refund_id (the key documents.refunds derives from the event), adjustment_id
        (the settlement's), seller_id, order_id, marketplace_id, currency, posted,
        visible_from, reason, fulfillment_channel, items: [{order_item_id,
        order_adjustment_item_id, sku, quantity, charges: {ChargeType: Decimal},
        promotions: [{promotion_id, target, amount}], taxes_withheld: {ChargeType: Decimal},
        fees: {FeeType: Decimal}}] (signed as Amazon sends them), event (the ShipmentEvent)}.
        Raises ValueError for what cannot be refunded."""
        return self._finances.add_refund(
            seller_id,
            order_id,
            items=items,
            posted=posted,
            visible_from=visible_from,
            reason=reason,
            include_shipping=include_shipping,
            with_order_item_ids=with_order_item_ids,
        )

    def refunds(self, seller_id: str) -> list[dict]:
        """The seller's refunds (as `add_refund` returns them), in the order they were added."""
        return self._finances.refunds(seller_id)

    @property
    def financial_events_page_size(self) -> int | None:
        """The most events a Finances page holds, whatever MaxResultsPerPage asks (None: as
        asked), to make pagination happen with few events."""
        return self._finances.page_size

    @financial_events_page_size.setter
    def financial_events_page_size(self, size: int | None) -> None:
        if size is not None and size < 1:
            raise ValueError("a page holds at least one event")
        self._finances.page_size = size

    def set_report_generator(self, report_type: str, generator: ReportGenerator | None) -> None:
        """What createReport of `report_type` produces: `generator(request)` gets {sellerId,
        reportType, marketplaceIds, dataStartTime, dataEndTime (datetimes), reportOptions}
        and returns the document (bytes or text), or None for "no data" (the report is then
        CANCELLED, as for a type without generator). None removes the generator."""
        self._reports.set_generator(report_type, generator)

    @property
    def report_processing_polls(self) -> int:
        return self._reports.processing_polls

    @report_processing_polls.setter
    def report_processing_polls(self, polls: int) -> None:
        self._reports.processing_polls = polls

    @property
    def reports(self) -> list[dict]:
        """Every report, oldest first: getReport's fields plus sellerId, reportOptions,
        compressionAlgorithm and document (its text, uncompressed; None without document)."""
        return self._reports.reports()

    # Vendor retail procurement (Vendor Orders, Vendor Transaction Status)

    def add_purchase_order(self, seller_id: str, order: Mapping) -> None:
        """Store a Vendor Orders `Order` (as `make_purchase_order` builds) for the vendor
        `seller_id`, as it is; a number already stored is replaced."""
        self._vendor_orders.add(seller_id, order)

    def change_purchase_order(
        self,
        seller_id: str,
        number: str,
        *,
        items: Iterable[Mapping] | None = None,
        changed: datetime | str | None = None,
        **details,
    ) -> dict:
        """Amazon changes the purchase order after placing it: `items` replace its items
        (`make_purchase_order` item dicts, or `OrderItem`s), `details` its OrderDetails fields
        by the model's names (shipToParty, shipWindow as (start, end) or `start--end`,
        deliveryWindow, dealCode...; None removes one); `purchaseOrderChangedDate` becomes
        `changed` (default now). Returns a copy of the changed order; KeyError when unknown."""
        return self._vendor_orders.change(
            seller_id,
            number,
            items=items,
            changed=_as_moment(changed) if changed is not None else None,
            details=details,
        )

    def close_purchase_order(self, seller_id: str, number: str) -> dict:
        """Amazon closes the purchase order (received, cancelled...): purchaseOrderState
        Closed, purchaseOrderStateChangedDate now. Returns a copy; KeyError when unknown."""
        return self._vendor_orders.close(seller_id, number)

    def purchase_order(self, seller_id: str, number: str) -> dict | None:
        """A copy of the stored purchase order, None when the vendor has no such order."""
        return self._vendor_orders.order(seller_id, number)

    def vendor_acknowledgements(self, seller_id: str, number: str | None = None) -> list[dict]:
        """The acknowledgements the vendor submitted (for purchase order `number`, or all),
        oldest first: {transaction_id, purchase_order_number, status (Processing, Success,
        Failure), received, processed, errors (the transaction's, on Failure), acknowledgement
        (the OrderAcknowledgement as sent), items}. `items`, once applied (Success): every item
        of the order as acknowledged so far, {item_sequence_number, amazon_product_identifier,
        vendor_product_identifier, ordered, accepted, backordered, rejected (eaches),
        implicitly_rejected (left out of every acknowledgement), rejection_reason,
        scheduled_ship_date, scheduled_delivery_date, net_cost}; None before."""
        return self._vendor_orders.acknowledgements(seller_id, number)

    def vendor_transactions(self, seller_id: str) -> list[dict]:
        """The vendor's transactions, oldest first: {transaction_id, seller_id, kind (the
        submitting operation), subjects (purchase order numbers), status, errors, submitted,
        completed (None while Processing)}."""
        self._store.seller(seller_id)
        return self._vendor_transactions.transactions(seller_id)

    def fail_next_vendor_transaction(
        self, number: str, code: str, message: str, details: str | None = None
    ) -> None:
        """Make the next vendor submission about purchase order `number` (retail or direct
        fulfillment; for a DF inventory update, `number` is the warehouse id) fail: its
        transaction ends Failure with this error, nothing applied. Each call fails one more."""
        self._vendor_transactions.fail_next(number, code, message, details)

    # Vendor Shipments (routing requests, GetShipmentDetails, shipment confirmations)

    def set_vendor_freight_term(self, seller_id: str, term: str) -> None:
        """The vendor's freight term with Amazon: "Prepaid" (the default: the vendor ships
        and pays) or "Collect" (WePay: Amazon routes the shipment and picks it up; routing
        requests and shipment confirmations then need Amazon's reference number)."""
        self._vendor_shipments.set_freight_term(seller_id, term)

    def vendor_freight_term(self, seller_id: str) -> str:
        return self._vendor_shipments.freight_term(seller_id)

    @property
    def vendor_auto_route(self) -> bool:
        """True (the default; `reset()` restores it): a Collect routing request Amazon takes
        gets its carrier at once. False: it stays TransportationRequested until
        `route_vendor_shipment`."""
        return self._vendor_shipments.auto_route

    @vendor_auto_route.setter
    def vendor_auto_route(self, auto_route: bool) -> None:
        self._vendor_shipments.auto_route = bool(auto_route)

    def vendor_shipment_requests(self, seller_id: str) -> list[dict]:
        """The shipments of the vendor's SubmitShipments submissions, oldest first:
        {transaction_id, vendor_shipment_identifier, transaction_type (New, Cancel),
        purchase_order_numbers, status (Processing, Success, Failure), received, processed,
        errors (the transaction's, on Failure), shipment (the Shipment as sent)}."""
        return self._vendor_shipments.shipment_requests(seller_id)

    def route_vendor_shipment(
        self,
        seller_id: str,
        vendor_shipment_id: str,
        *,
        arn: str | None = None,
        carrier_scac: str = "UPSN",
        carrier_name: str = "UPS Freight",
        pickup: datetime | str | tuple | None = None,
        carrier_reference: str | None = None,
    ) -> dict:
        """Amazon assigns the carrier of the vendor's Collect shipment now, or again
        (overriding the earlier assignment): status CarrierAssigned, the carrier's name and
        SCAC, its shipment reference (PRO number; `carrier_reference`, else one made up), the
        pickup window `pickup` ((start, end), or a start with a 4-hour window; default: the
        requested pickup). `arn` replaces the Amazon Reference Number. Returns
        `vendor_shipment`; KeyError for an unknown shipment, ValueError for a Prepaid,
        cancelled or shipped one."""
        return self._vendor_shipments.route(
            seller_id,
            vendor_shipment_id,
            arn=arn,
            carrier_scac=carrier_scac,
            carrier_name=carrier_name,
            reference=carrier_reference,
            pickup=pickup,
        )

    def vendor_shipment(self, seller_id: str, vendor_shipment_id: str) -> dict | None:
        """The vendor's shipment (a routing request Amazon took), None when unknown:
        {vendor_shipment_identifier, status (Created, TransportationRequested,
        CarrierAssigned, Shipped, or Cancelled), freight_term, arn, carrier ({name, scac,
        reference} or None), scheduled_pickup ((start, end) or None), carrier_assigned,
        created, cancelled, confirmed, purchase_order_numbers, shipment (as
        GetShipmentDetails serves it)}."""
        return self._vendor_shipments.shipment(seller_id, vendor_shipment_id)

    def vendor_shipment_confirmations(self, seller_id: str, number: str | None = None):
        """The shipment confirmations (ASNs) the vendor submitted (naming purchase order
        `number`, or all), oldest first: {transaction_id, shipment_identifier,
        confirmation_type, purchase_order_numbers, status, received, processed, errors,
        items, replaced (a later Replace took its place), confirmation (as sent)}. `items`,
        once applied (Success): {purchase_order_number, item_sequence_number (the order's),
        shipment_item_sequence_number, amazon_product_identifier, vendor_product_identifier,
        shipped (eaches)}; None before."""
        return self._vendor_shipments.confirmations(seller_id, number)

    def vendor_shipped_quantities(self, seller_id: str, number: str) -> dict[str, int]:
        """The eaches the vendor's applied confirmations shipped of the purchase order's
        items, by item sequence number (items shipped only)."""
        return self._vendor_shipments.shipped_quantities(seller_id, number)

    # Vendor Invoices

    def vendor_invoices(self, seller_id: str) -> list[dict]:
        """The invoices (and credit notes) the vendor submitted, oldest first:
        {transaction_id, invoice_id, invoice_type, purchase_order_numbers, status, received,
        processed, errors, items, invoice (as sent)}. `items`, once applied (Success):
        {purchase_order_number, item_sequence_number (the order's),
        invoice_item_sequence_number, amazon_product_identifier, vendor_product_identifier,
        invoiced (eaches), net_cost, net_amount}; None before."""
        return self._vendor_invoices.invoices(seller_id)

    # Vendor Direct Fulfillment (Orders, Shipping, Payments, Inventory, Transactions)

    def add_df_order(self, seller_id: str, order: Mapping) -> None:
        """Store a Direct Fulfillment `Order` (as `make_df_order` builds) for the vendor
        `seller_id`, made available at its orderDate; a number already stored is replaced."""
        self._direct_fulfillment.add(seller_id, order)

    def df_order(self, seller_id: str, number: str) -> dict | None:
        """A copy of the stored DF order, its orderStatus as Amazon moved it (ACCEPTED or
        CANCELLED by an acknowledgement, SHIPPED once all is confirmed shipped, CANCELLED by a
        floor denial); None when the vendor has no such order."""
        return self._direct_fulfillment.order(seller_id, number)

    def set_restricted_role(self, seller_id: str, granted: bool) -> None:
        """Whether the seller's application has the Direct-to-Consumer Shipping (Restricted)
        role (by default it has): without it, createRestrictedDataToken answers 403."""
        self._store.seller(seller_id)
        self._tokens.set_role(seller_id, granted)

    def df_acknowledgements(self, seller_id: str, number: str | None = None) -> list[dict]:
        """The DF acknowledgements Amazon processed (of order `number`, or all), oldest
        first: each OrderAcknowledgementItem as sent, with `status` (Success or Failure) and
        `errors` (the transaction's, on Failure), `transaction_id`, `received` and
        `processed`. The other `df_...` records are alike."""
        return self._direct_fulfillment.records("acknowledgement", seller_id, number)

    def df_label_requests(self, seller_id: str, number: str | None = None) -> list[dict]:
        """The processed ShippingLabelRequests, with `label`: the ShippingLabel made (on
        Success; None on Failure)."""
        return self._direct_fulfillment.records("label_request", seller_id, number)

    def df_shipment_confirmations(self, seller_id: str, number: str | None = None) -> list[dict]:
        """The ShipmentConfirmations Amazon applied (their transaction succeeded)."""
        records = self._direct_fulfillment.records("confirmation", seller_id, number)
        return [record for record in records if record["status"] == "Success"]

    def df_status_updates(self, seller_id: str, number: str | None = None) -> list[dict]:
        """The processed ShipmentStatusUpdates."""
        return self._direct_fulfillment.records("status_update", seller_id, number)

    def df_invoices(self, seller_id: str) -> list[dict]:
        """The processed DF invoices (InvoiceDetails)."""
        return self._direct_fulfillment.records("invoice", seller_id)

    def df_inventory(self, seller_id: str, warehouse_id: str) -> dict[str, int]:
        """The warehouse's available quantities after the applied inventory updates, by
        vendorProductIdentifier (else buyerProductIdentifier)."""
        return self._direct_fulfillment.inventory(seller_id, warehouse_id)

    def df_inventory_updates(self, seller_id: str, warehouse_id: str) -> list[dict]:
        """The warehouse's processed InventoryUpdates, oldest first."""
        return self._direct_fulfillment.records("inventory", seller_id, warehouse_id)

    def set_df_customer_invoice(self, seller_id: str, number: str, content: str) -> None:
        """What getCustomerInvoice serves for the order (base64 of `content`'s UTF-8); it
        answers 404 before. KeyError for an unknown order."""
        self._direct_fulfillment.set_customer_invoice(seller_id, number, content)

    def set_df_label_format(self, seller_id: str, label_format: str) -> None:
        """The format of the vendor's labels made from now on: "PNG" (the default) or
        "ZPL"."""
        self._direct_fulfillment.set_label_format(seller_id, label_format)

    @property
    def vendor_transaction_polls(self) -> int:
        """How many getTransaction calls answer Processing before a vendor submission is
        processed (0: at submission); `reset()` restores the constructor's value."""
        return self._vendor_transactions.processing_polls

    @vendor_transaction_polls.setter
    def vendor_transaction_polls(self, polls: int) -> None:
        if polls < 0:
            raise ValueError("polls are 0 or more")
        self._vendor_transactions.processing_polls = polls

    def reset(self) -> None:
        """Forget sellers, orders, tokens, shipments, listings, feeds, reports, FBA returns,
        refunds, purchase orders, vendor acknowledgements, routing requests and shipments,
        shipment confirmations, invoices, freight terms and transactions (and the failures
        forced on them; vendor_transaction_polls and vendor_auto_route back to their
        defaults), direct fulfillment orders and everything submitted about them (label
        formats back to PNG), Restricted Data Tokens and withdrawn roles, faults, recorded
        requests and violations (report generators stay)."""
        self._store.reset()
        self._shipments.reset()
        self._listings.reset()
        self._feeds.reset()
        self._order_feeds.reset()
        self._reports.reset()
        self._returns.reset()
        self._finances.reset()
        self._vendor_orders.reset()
        self._vendor_shipments.reset()
        self._vendor_invoices.reset()
        self._direct_fulfillment.reset()
        self._tokens.reset()
        self._vendor_transactions.reset()
        self._as2.reset()
        self._faults.clear()
        self._rate_limiter.reset()
        self.clear_requests()
        self.clear_contract_violations()

    # Faults

    def inject_fault(
        self, kind: str, operation: str | None = None, times: int = 1, after: int = 0, **options
    ) -> Fault:
        """Make `times` calls of `operation` fail, once `after` calls have passed.

        kinds: "throttle" (options rate, retry_after), "server_error" (status 500|503),
        "slow" (delay seconds), "truncated", "malformed", "expired_token".
        operation: an operationId, "lwaToken", or a document URL ("uploadFeedDocument",
        "downloadDocument", which serves feed and report documents); None means any SP-API
        operation (not the token endpoint nor the document URLs). Faults are consumed in the
        order they were injected.
        """
        return self._faults.inject(kind, operation, times, after, **options)

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def pending_faults(self) -> list[Fault]:
        return self._faults.pending

    # Recording and contract

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._records_lock:
            return list(self._requests)

    def requests_for(self, operation: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.operation == operation]

    def clear_requests(self) -> None:
        with self._records_lock:
            self._requests.clear()

    @property
    def contract_violations(self) -> list[str]:
        with self._records_lock:
            return list(self._violations)

    def clear_contract_violations(self) -> None:
        with self._records_lock:
            self._violations.clear()

    def assert_contract_clean(self) -> None:
        violations = self.contract_violations
        if violations:
            listing = "\n".join(f"- {v}" for v in violations)
            raise AssertionError(f"{len(violations)} SP-API contract violation(s):\n{listing}")

    # Serving (called from the HTTP server's threads)

    def _handle(self, request: Request) -> Reply:
        routed = route(request.method, request.path)
        operation = AS2_OPERATION if request.path == AS2_PATH else routed[0] if routed else None
        try:
            if operation == AS2_OPERATION:
                reply = self._as2.serve(request)
            elif operation == LWA_OPERATION:
                reply = self._serve_token_request(request)
            elif operation in DOCUMENT_OPERATIONS:
                reply = self._serve_document(request, routed)
            else:
                reply = self._serve_sp_api(request, routed)
        except Exception:
            _log.exception("amazon_emulator: failed serving %s %s", request.method, request.path)
            reply = error_reply(500, "InternalFailure", "The emulator failed; see its log.")
        reply = reply.with_headers(_standard_headers(operation), replace_existing=False)
        if operation in USAGE_PLANS:
            self._check_reply(operation, reply)
        self._record(request, operation, reply)
        return reply

    def _serve_token_request(self, request: Request) -> Reply:
        fault = self._faults.take(LWA_OPERATION)
        return self._apply_fault(fault, LWA_OPERATION, lambda: self._operations.lwa_token(request))

    def _serve_document(self, request: Request, routed) -> Reply:
        """The pre-signed document URLs: no access token, no contract (they are not SP-API)."""
        operation, path_params = routed
        fault = self._faults.take(operation)
        return self._apply_fault(
            fault,
            operation,
            lambda: self._operations.serve_document(operation, request, path_params),
        )

    def _serve_sp_api(self, request: Request, routed) -> Reply:
        # A body over an operation's size limit is refused before it is checked.
        too_large = routed and self._operations.entity_too_large(routed[0], request)
        problems = [] if too_large else self._check_request(request)
        if routed is None:
            return error_reply(404, "NotFound", "Resource not found.")
        operation, path_params = routed
        fault = self._faults.take(operation)
        reply = self._apply_fault(
            fault,
            operation,
            lambda: self._answer(operation, request, path_params, problems, too_large),
        )
        if reply.status in SINGLE_ERROR_STATUSES.get(operation, ()):
            reply = single_error(reply)
        return reply

    def _apply_fault(self, fault: Fault | None, operation: str, answer: Callable[[], Reply]):
        if fault is None:
            return answer()
        _log.info("amazon_emulator: injecting %s fault into %s", fault.kind, operation)
        time.sleep(fault.delay)
        if fault.replaces_reply:
            return fault.reply(operation)
        return fault.alter(answer())

    def _answer(
        self, operation: str, request: Request, path_params, problems, too_large=None
    ) -> Reply:
        seller = self._operations.authenticate(request, operation)
        if isinstance(seller, Reply):
            return seller
        if self.enforce_rate_limits and not self._rate_limiter.allow(seller.seller_id, operation):
            return throttled_reply(operation)
        if too_large:
            return too_large
        if problems:
            return invalid_input(*problems)
        return self._operations.answer(operation, seller, request, path_params)

    def _check_request(self, request: Request) -> list[str]:
        if self._contract is None:
            return []
        problems = self._contract.validate_request(
            request.method, request.path, request.query, request.headers, request.body
        )
        for problem in problems:
            # Request problems quote what the client sent in the URL and body field names
            # or values; no request the emulator serves carries buyer data.
            _log.warning("amazon_emulator: contract violation: %s", problem)
        self._add_violations(problems)
        return problems

    def _check_reply(self, operation: str, reply: Reply) -> None:
        if self._contract is None or not reply.check_contract:
            return
        problems = self._contract.validate_response(
            operation, reply.status, reply.json_body, reply.headers
        )
        if problems:
            # The messages may quote order data, so the log only counts them.
            _log.warning(
                "amazon_emulator: %d contract violation(s) in a %s reply; see contract_violations",
                len(problems),
                operation,
            )
        self._add_violations(problems)

    def _add_violations(self, problems: list[str]) -> None:
        with self._records_lock:
            self._violations.extend(problems)

    def _record(self, request: Request, operation: str | None, reply: Reply) -> None:
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            operation=operation,
            query=request.query,
            headers=request.headers,
            body=request.body,
            status=reply.status,
            response_json=reply.json_body,
        )
        with self._records_lock:
            self._requests.append(record)
        _log.debug("amazon_emulator: %s %s -> %s", request.method, request.path, reply.status)


def _as_moment(value: datetime | str) -> datetime:
    return parse_timestamp(value) if isinstance(value, str) else as_utc(value)


def _standard_headers(operation: str | None) -> dict[str, str]:
    """Headers of every reply: a request id, and the usage plan's rate for SP-API operations."""
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    if operation in USAGE_PLANS:
        headers["x-amzn-RateLimit-Limit"] = USAGE_PLANS[operation].header_value
    return headers


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handle: Callable[[Request], Reply]):
        super().__init__(address, _RequestHandler)
        self.handle = handle
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End kept-alive connections, so that nothing is served after stop()."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # the client may have closed it already
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One buffered write per reply and no Nagle: otherwise kept-alive connections wait on
    # delayed ACKs (about 40 ms a request).
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server_version = "Server"
    sys_version = ""
    server: _HttpServer

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(url.path),
            query=parse_qs(url.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=body,
        )
        reply = self.server.handle(request)
        try:
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a "slow" fault, say)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
        self.wfile.flush()

    def log_message(self, format: str, *args) -> None:
        """Silenced: the request line can carry more than a log should (the emulator logs
        method, path and status at DEBUG level itself)."""
