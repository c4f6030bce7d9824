"""The emulated operations: Login with Amazon's token endpoint and the SP-API operations."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, quote, urlencode
from xml.sax.saxutils import escape

from .clock import format_timestamp
from .df_orders import DfInputError, DfNotFound
from .direct_fulfillment import (
    CREATE_CONTAINER_LABEL,
    CREATE_SHIPPING_LABELS,
    GET_CUSTOMER_INVOICE,
    GET_CUSTOMER_INVOICES,
    GET_ORDER,
    GET_ORDERS,
    GET_PACKING_SLIP,
    GET_PACKING_SLIPS,
    GET_SHIPPING_LABEL,
    GET_SHIPPING_LABELS,
    GET_TRANSACTION_STATUS,
    RESTRICTED_OPERATIONS,
    SUBMIT_ACKNOWLEDGEMENT,
    SUBMIT_INVENTORY_UPDATE,
    SUBMIT_INVOICE,
    SUBMIT_SHIPMENT_CONFIRMATIONS,
    SUBMIT_SHIPMENT_STATUS_UPDATES,
    SUBMIT_SHIPPING_LABEL_REQUEST,
    DirectFulfillmentDesk,
)
from .faults import DOWNLOAD_OPERATION, LWA_OPERATION, UPLOAD_OPERATION
from .feeds import FeedDesk, FeedInputError
from .finances import FinanceDesk, FinancesInputError
from .listings import ListingStore, patches_update
from .marketplaces import get_marketplace
from .orders import project_order
from .reports import ReportDesk, ReportInputError, next_reports_token, parse_reports_query
from .search import SearchInputError, next_page_token, parse_search_request
from .shipments import ShipmentDesk, ShipmentRejected
from .store import EmulatorStore, SellerAccount
from .tokens import (
    CREATE_RESTRICTED_DATA_TOKEN,
    RDT_NOT_ACCEPTED,
    RDT_NOT_COVERING,
    RDT_REQUIRED,
    ROLE_MISSING,
    RestrictedDataTokens,
    RoleMissing,
    TokensInputError,
    is_restricted_data_token,
)
from .vendor_invoices import VendorInvoicesDesk, VendorInvoicesInputError
from .vendor_orders import PURCHASE_ORDER_NUMBER, VendorOrdersDesk, VendorOrdersInputError
from .vendor_shipments import VendorShipmentsDesk, VendorShipmentsInputError
from .vendor_transactions import INVALID_TRANSACTION_ID, TransactionDesk, is_transaction_id
from .wire import (
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    InputError,
    Reply,
    Request,
    csv_values,
    error_reply,
    first_value,
    invalid_input,
    json_reply,
    unauthorized,
)

LWA_PATH = "/auth/o2/token"
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
DOCUMENTS_PATH = "/_documents"
DOCUMENT_URL_LIFETIME = timedelta(minutes=5)  # Amazon's pre-signed URLs expire after 5 minutes
# S3's query field that sets the Content-Encoding a pre-signed download answers with.
CONTENT_ENCODING_FIELD = "response-content-encoding"


_DF_ORDERS = "/vendor/directFulfillment/orders/2021-12-28"
_DF_SHIPPING = "/vendor/directFulfillment/shipping/2021-12-28"
_PO_NUMBER = "(?P<purchaseOrderNumber>[^/]+)"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    operation: str


ROUTES = (
    Route("POST", re.compile(f"^{re.escape(LWA_PATH)}$"), LWA_OPERATION),
    Route(
        "GET",
        re.compile(r"^/sellers/v1/marketplaceParticipations$"),
        "getMarketplaceParticipations",
    ),
    Route("GET", re.compile(r"^/orders/2026-01-01/orders$"), "searchOrders"),
    Route("GET", re.compile(r"^/orders/2026-01-01/orders/(?P<orderId>[^/]+)$"), "getOrder"),
    Route(
        "POST",
        re.compile(r"^/orders/v0/orders/(?P<orderId>[^/]+)/shipmentConfirmation$"),
        "confirmShipment",
    ),
    Route("POST", re.compile(r"^/feeds/2021-06-30/documents$"), "createFeedDocument"),
    Route(
        "GET",
        re.compile(r"^/feeds/2021-06-30/documents/(?P<feedDocumentId>[^/]+)$"),
        "getFeedDocument",
    ),
    Route("POST", re.compile(r"^/feeds/2021-06-30/feeds$"), "createFeed"),
    Route("GET", re.compile(r"^/feeds/2021-06-30/feeds/(?P<feedId>[^/]+)$"), "getFeed"),
    Route(
        "PATCH",
        re.compile(r"^/listings/2021-08-01/items/(?P<sellerId>[^/]+)/(?P<sku>[^/]+)$"),
        "patchListingsItem",
    ),
    Route("GET", re.compile(r"^/reports/2021-06-30/reports$"), "getReports"),
    Route("POST", re.compile(r"^/reports/2021-06-30/reports$"), "createReport"),
    Route("GET", re.compile(r"^/reports/2021-06-30/reports/(?P<reportId>[^/]+)$"), "getReport"),
    Route(
        "GET",
        re.compile(r"^/reports/2021-06-30/documents/(?P<reportDocumentId>[^/]+)$"),
        "getReportDocument",
    ),
    Route("GET", re.compile(r"^/finances/v0/financialEvents$"), "listFinancialEvents"),
    Route(
        "GET",
        re.compile(r"^/finances/v0/orders/(?P<orderId>[^/]+)/financialEvents$"),
        "listFinancialEventsByOrderId",
    ),
    Route("GET", re.compile(r"^/vendor/orders/v1/purchaseOrders$"), "getPurchaseOrders"),
    Route(
        "GET",
        re.compile(r"^/vendor/orders/v1/purchaseOrders/(?P<purchaseOrderNumber>[^/]+)$"),
        "getPurchaseOrder",
    ),
    Route("POST", re.compile(r"^/vendor/orders/v1/acknowledgements$"), "submitAcknowledgement"),
    Route(
        "GET",
        re.compile(r"^/vendor/transactions/v1/transactions/(?P<transactionId>[^/]+)$"),
        "getTransaction",
    ),
    Route("POST", re.compile(r"^/vendor/shipping/v1/shipments$"), "SubmitShipments"),
    Route("GET", re.compile(r"^/vendor/shipping/v1/shipments$"), "GetShipmentDetails"),
    Route(
        "POST",
        re.compile(r"^/vendor/shipping/v1/shipmentConfirmations$"),
        "SubmitShipmentConfirmations",
    ),
    Route("POST", re.compile(r"^/vendor/payments/v1/invoices$"), "submitInvoices"),
    Route("GET", re.compile(rf"^{_DF_ORDERS}/purchaseOrders$"), GET_ORDERS),
    Route("GET", re.compile(rf"^{_DF_ORDERS}/purchaseOrders/{_PO_NUMBER}$"), GET_ORDER),
    Route("POST", re.compile(rf"^{_DF_ORDERS}/acknowledgements$"), SUBMIT_ACKNOWLEDGEMENT),
    Route(
        "GET",
        re.compile(
            r"^/vendor/directFulfillment/transactions/2021-12-28/transactions/"
            r"(?P<transactionId>[^/]+)$"
        ),
        GET_TRANSACTION_STATUS,
    ),
    Route("GET", re.compile(rf"^{_DF_SHIPPING}/shippingLabels$"), GET_SHIPPING_LABELS),
    Route("POST", re.compile(rf"^{_DF_SHIPPING}/shippingLabels$"), SUBMIT_SHIPPING_LABEL_REQUEST),
    Route("GET", re.compile(rf"^{_DF_SHIPPING}/shippingLabels/{_PO_NUMBER}$"), GET_SHIPPING_LABEL),
    Route(
        "POST", re.compile(rf"^{_DF_SHIPPING}/shippingLabels/{_PO_NUMBER}$"), CREATE_SHIPPING_LABELS
    ),
    Route("POST", re.compile(rf"^{_DF_SHIPPING}/containerLabel$"), CREATE_CONTAINER_LABEL),
    Route(
        "POST",
        re.compile(rf"^{_DF_SHIPPING}/shipmentConfirmations$"),
        SUBMIT_SHIPMENT_CONFIRMATIONS,
    ),
    Route(
        "POST",
        re.compile(rf"^{_DF_SHIPPING}/shipmentStatusUpdates$"),
        SUBMIT_SHIPMENT_STATUS_UPDATES,
    ),
    Route("GET", re.compile(rf"^{_DF_SHIPPING}/customerInvoices$"), GET_CUSTOMER_INVOICES),
    Route(
        "GET", re.compile(rf"^{_DF_SHIPPING}/customerInvoices/{_PO_NUMBER}$"), GET_CUSTOMER_INVOICE
    ),
    Route("GET", re.compile(rf"^{_DF_SHIPPING}/packingSlips$"), GET_PACKING_SLIPS),
    Route("GET", re.compile(rf"^{_DF_SHIPPING}/packingSlips/{_PO_NUMBER}$"), GET_PACKING_SLIP),
    Route("POST", re.compile(r"^/vendor/directFulfillment/payments/v1/invoices$"), SUBMIT_INVOICE),
    Route(
        "POST",
        re.compile(
            r"^/vendor/directFulfillment/inventory/v1/warehouses/(?P<warehouseId>[^/]+)/items$"
        ),
        SUBMIT_INVENTORY_UPDATE,
    ),
    Route(
        "POST",
        re.compile(r"^/tokens/2021-03-01/restrictedDataToken$"),
        CREATE_RESTRICTED_DATA_TOKEN,
    ),
    Route("PUT", re.compile(rf"^{DOCUMENTS_PATH}/upload/(?P<documentId>[^/]+)$"), UPLOAD_OPERATION),
    Route(
        "GET", re.compile(rf"^{DOCUMENTS_PATH}/download/(?P<documentId>[^/]+)$"), DOWNLOAD_OPERATION
    ),
)


def route(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """(operation, path parameters) of the emulated operation at `method path`."""
    for candidate in ROUTES:
        match = candidate.pattern.match(path)
        if match and candidate.method == method.upper():
            return candidate.operation, match.groupdict()
    return None


def is_restricted_resource(method: str, path: str) -> bool:
    """True when `method path` (a `{placeholder}` standing for any segment) is an operation
    that needs a Restricted Data Token."""
    routed = route(method, path)
    return routed is not None and routed[0] in RESTRICTED_OPERATIONS


class Operations:
    """Answers requests from the store's state, as Amazon would."""

    def __init__(
        self,
        store: EmulatorStore,
        clock: Callable[[], datetime],
        *,
        shipments: ShipmentDesk,
        feeds: FeedDesk,
        reports: ReportDesk,
        listings: ListingStore,
        finances: FinanceDesk,
        vendor_orders: VendorOrdersDesk,
        vendor_transactions: TransactionDesk,
        vendor_shipments: VendorShipmentsDesk,
        vendor_invoices: VendorInvoicesDesk,
        direct_fulfillment: DirectFulfillmentDesk,
        tokens: RestrictedDataTokens,
        base_url: Callable[[], str],
    ):
        self._store = store
        self._clock = clock
        self._shipments = shipments
        self._feeds = feeds
        self._reports = reports
        self._finances = finances
        self._listings = listings
        self._vendor_orders = vendor_orders
        self._vendor_transactions = vendor_transactions
        self._vendor_shipments = vendor_shipments
        self._vendor_invoices = vendor_invoices
        self._direct_fulfillment = direct_fulfillment
        self._tokens = tokens
        self._base_url = base_url
        self._url_key = secrets.token_bytes(32)

    # Login with Amazon

    def lwa_token(self, request: Request) -> Reply:
        form = _form(request)
        if form is None:
            return _lwa_error(
                400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
            )
        if form.get("grant_type") != "refresh_token":
            return _lwa_error(400, "unsupported_grant_type", "The grant type is not supported.")
        missing = [n for n in ("refresh_token", "client_id", "client_secret") if not form.get(n)]
        if missing:
            return _lwa_error(
                400,
                "invalid_request",
                f"The request is missing a required parameter : {missing[0]}",
            )
        if not self._store.client_is_known(form["client_id"], form["client_secret"]):
            return _lwa_error(401, "invalid_client", "Client authentication failed")
        seller = self._store.seller_for_refresh_token(form["client_id"], form["refresh_token"])
        if seller is None:
            return _lwa_error(
                400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
            )
        lifetime = int(ACCESS_TOKEN_LIFETIME.total_seconds())
        access_token = self.issue_access_token(seller.seller_id, lifetime)
        return json_reply(
            200,
            {
                "access_token": access_token,
                "refresh_token": form["refresh_token"],
                "token_type": "bearer",
                "expires_in": lifetime,
            },
        )

    def issue_access_token(self, seller_id: str, expires_in: int) -> str:
        self._store.seller(seller_id)
        expires_at = self._clock() + timedelta(seconds=expires_in)
        return self._store.issue_access_token(seller_id, expires_at)

    # SP-API

    def authenticate(self, request: Request, operation: str | None = None):
        """The seller of the request's access token, or the 403 Amazon gives instead.

        Restricted operations (`RESTRICTED_OPERATIONS`) take a Restricted Data Token that
        covers the method and path called; the others the LWA access token (see `tokens`)."""
        token = request.header("x-amz-access-token") or ""
        restricted = operation in RESTRICTED_OPERATIONS
        called = {"method": request.method.upper(), "path": request.path}
        if is_restricted_data_token(token):
            grant = self._tokens.grant(token)
            refusal = self._token_refusal(grant)
            if refusal is None and not restricted:
                refusal = unauthorized(RDT_NOT_ACCEPTED.format(**called))
            if refusal is None and not grant.covers(request.method, request.path):
                refusal = unauthorized(RDT_NOT_COVERING.format(**called))
        else:
            grant = self._store.access_grant(token) if token else None
            refusal = self._token_refusal(grant)
            if refusal is None and restricted:
                refusal = unauthorized(RDT_REQUIRED.format(**called))
        return refusal or self._store.seller(grant.seller_id)

    def _token_refusal(self, grant) -> Reply | None:
        """The 403 of a token that stands for no known seller, or has expired."""
        if grant is None or not self._store.has_seller(grant.seller_id):
            return unauthorized(TOKEN_INVALID)
        if self._clock() >= grant.expires_at:
            return unauthorized(TOKEN_EXPIRED)
        return None

    def answer(self, operation: str, seller: SellerAccount, request: Request, path_params) -> Reply:
        handlers = {
            "getMarketplaceParticipations": self.get_marketplace_participations,
            "searchOrders": self.search_orders,
            "getOrder": self.get_order,
            "confirmShipment": self.confirm_shipment,
            "createFeedDocument": self.create_feed_document,
            "getFeedDocument": self.get_feed_document,
            "createFeed": self.create_feed,
            "getFeed": self.get_feed,
            "patchListingsItem": self.patch_listings_item,
            "getReports": self.get_reports,
            "createReport": self.create_report,
            "getReport": self.get_report,
            "getReportDocument": self.get_report_document,
            "listFinancialEvents": self.list_financial_events,
            "listFinancialEventsByOrderId": self.list_financial_events_by_order_id,
            "getPurchaseOrders": self.get_purchase_orders,
            "getPurchaseOrder": self.get_purchase_order,
            "submitAcknowledgement": self.submit_acknowledgement,
            "getTransaction": self.get_transaction,
            "SubmitShipments": self.submit_shipments,
            "GetShipmentDetails": self.get_shipment_details,
            "SubmitShipmentConfirmations": self.submit_shipment_confirmations,
            "submitInvoices": self.submit_invoices,
            GET_ORDERS: self.df_get_orders,
            GET_ORDER: self.df_get_order,
            SUBMIT_ACKNOWLEDGEMENT: self.df_submit_acknowledgement,
            GET_TRANSACTION_STATUS: self.df_get_transaction_status,
            SUBMIT_SHIPPING_LABEL_REQUEST: self.df_submit_shipping_label_request,
            GET_SHIPPING_LABELS: self.df_get_shipping_labels,
            GET_SHIPPING_LABEL: self.df_get_shipping_label,
            CREATE_SHIPPING_LABELS: self.df_create_shipping_labels,
            CREATE_CONTAINER_LABEL: self.df_create_container_label,
            SUBMIT_SHIPMENT_CONFIRMATIONS: self.df_submit_shipment_confirmations,
            SUBMIT_SHIPMENT_STATUS_UPDATES: self.df_submit_shipment_status_updates,
            GET_CUSTOMER_INVOICES: self.df_get_customer_invoices,
            GET_CUSTOMER_INVOICE: self.df_get_customer_invoice,
            GET_PACKING_SLIPS: self.df_get_packing_slips,
            GET_PACKING_SLIP: self.df_get_packing_slip,
            SUBMIT_INVOICE: self.df_submit_invoice,
            SUBMIT_INVENTORY_UPDATE: self.df_submit_inventory_update,
            CREATE_RESTRICTED_DATA_TOKEN: self.create_restricted_data_token,
        }
        return handlers[operation](seller, request, path_params)

    def get_marketplace_participations(
        self, seller: SellerAccount, request: Request, _path_params
    ) -> Reply:
        payload = [
            {
                "marketplace": get_marketplace(marketplace_id).to_api(),
                "participation": {"isParticipating": True, "hasSuspendedListings": False},
                "storeName": seller.store_name,
            }
            for marketplace_id in seller.marketplace_ids
        ]
        return json_reply(200, {"payload": payload})

    def search_orders(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        now = self._clock()
        try:
            search_request = parse_search_request(request.query, seller, now)
        except SearchInputError as error:
            return invalid_input(*error.messages)
        search = search_request.search
        matching = search.select(self._store.orders(seller.seller_id))
        start, end = search_request.offset, search_request.offset + search_request.page_size
        body: dict = {
            "orders": [
                project_order(order, search_request.included_data) for order in matching[start:end]
            ]
        }
        if end < len(matching):
            body["pagination"] = {"nextToken": next_page_token(search_request, seller, now)}
        body[search.before_field] = format_timestamp(search.before)
        return json_reply(200, body)

    def get_order(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        order_id = path_params["orderId"]
        order = self._store.order(seller.seller_id, order_id)
        if order is None:
            return error_reply(404, "NotFound", f"Order {order_id} was not found.")
        included_data = csv_values(request.query, "includedData")
        return json_reply(200, {"order": project_order(order, included_data)})

    # Orders v0

    def confirm_shipment(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        body = _json_object(request)
        if body is None:
            return invalid_input("The request body must be a ConfirmShipmentRequest object.")
        try:
            self._shipments.confirm(seller.seller_id, path_params["orderId"], body)
        except ShipmentRejected as rejection:
            if rejection.status == 404:
                return error_reply(404, "NotFound", rejection.message)
            return invalid_input(rejection.message)
        return Reply(204)

    # Feeds

    def create_feed_document(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        content_type = (_json_object(request) or {}).get("contentType")
        if not isinstance(content_type, str) or not content_type.strip():
            return invalid_input("contentType is required.")
        document = self._feeds.create_document(seller.seller_id, content_type)
        url = self._document_url(UPLOAD_OPERATION, document.document_id)
        return json_reply(201, {"feedDocumentId": document.document_id, "url": url})

    def get_feed_document(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        document_id = path_params["feedDocumentId"]
        document = self._feeds.document(document_id, seller.seller_id)
        if document is None:
            return error_reply(404, "NotFound", f"Feed document {document_id} was not found.")
        url = self._document_url(DOWNLOAD_OPERATION, document_id)
        return json_reply(200, {"feedDocumentId": document_id, "url": url})

    def create_feed(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        body = _json_object(request)
        if body is None:
            return invalid_input("The request body must be a CreateFeedSpecification object.")
        try:
            feed = self._feeds.create_feed(
                seller.seller_id,
                seller.marketplace_ids,
                feed_type=body.get("feedType"),
                marketplace_ids=list(body.get("marketplaceIds") or []),
                document_id=body.get("inputFeedDocumentId"),
                feed_options=body.get("feedOptions"),
            )
        except FeedInputError as error:
            return invalid_input(str(error))
        return json_reply(202, {"feedId": feed.feed_id})

    def get_feed(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        feed = self._feeds.poll(seller.seller_id, path_params["feedId"])
        if feed is None:
            return error_reply(404, "NotFound", f"Feed {path_params['feedId']} was not found.")
        return json_reply(200, feed.to_api())

    # Listings Items

    def patch_listings_item(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        if path_params["sellerId"] != seller.seller_id:
            return unauthorized(
                f"The access token does not allow acting for seller {path_params['sellerId']}."
            )
        marketplace_ids = csv_values(request.query, "marketplaceIds")
        unknown = [m for m in marketplace_ids if m not in seller.marketplace_ids]
        if not marketplace_ids or unknown:
            return invalid_input(f"Invalid marketplaceIds: {', '.join(unknown) or '(none)'}.")
        body = _json_object(request)
        if body is None or not isinstance(body.get("patches"), list):
            return invalid_input("The request body must be a ListingsItemPatchRequest object.")
        sku = path_params["sku"]
        update, issues = patches_update(
            sku, body.get("productType"), body["patches"], marketplace_ids
        )
        issues = self._listings.screen(seller.seller_id, sku) + issues
        preview = first_value(request.query, "mode") == "VALIDATION_PREVIEW"
        if not issues and not preview:
            self._listings.apply(seller.seller_id, update, self._clock())
        status = "INVALID" if issues else "VALID" if preview else "ACCEPTED"
        return json_reply(
            200,
            {
                "sku": sku,
                "status": status,
                "submissionId": uuid.uuid4().hex,
                "issues": [issue.to_api(marketplace_ids) for issue in issues],
            },
        )

    # Reports

    def get_reports(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        try:
            query = parse_reports_query(request.query, seller, self._clock())
        except ReportInputError as error:
            return error.reply()
        matching = self._reports.select(seller.seller_id, query)
        end = query.offset + query.page_size
        body: dict = {"reports": [report.to_api() for report in matching[query.offset : end]]}
        if end < len(matching):
            body["nextToken"] = next_reports_token(query, seller)
        return json_reply(200, body)

    def create_report(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        body = _json_object(request)
        if body is None:
            return invalid_input("The request body must be a CreateReportSpecification object.")
        try:
            report = self._reports.create_report(seller, body)
        except ReportInputError as error:
            return error.reply()
        return json_reply(202, {"reportId": report.report_id})

    def get_report(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        report = self._reports.poll(seller.seller_id, path_params["reportId"])
        if report is None:
            return error_reply(404, "NotFound", f"Report {path_params['reportId']} was not found.")
        return json_reply(200, report.to_api())

    def get_report_document(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        document_id = path_params["reportDocumentId"]
        document = self._reports.document(document_id, seller.seller_id)
        if document is None:
            return error_reply(404, "NotFound", f"Report document {document_id} was not found.")
        # Asked for, a GZIP document's URL answers with Content-Encoding: gzip instead of
        # identity, so that HTTP clients decompress it on their own.
        gzip_encoding = (
            document.compression == "GZIP"
            and first_value(request.query, "enableContentEncodingUrlHeader") == "true"
        )
        url = self._document_url(
            DOWNLOAD_OPERATION, document_id, content_encoding="gzip" if gzip_encoding else None
        )
        return json_reply(200, document.to_api(url))

    # Finances v0

    def list_financial_events(self, seller: SellerAccount, request: Request, _path_params):
        return _listing(
            FinancesInputError, lambda: self._finances.list_events(seller, request.query)
        )

    def list_financial_events_by_order_id(
        self, seller: SellerAccount, request: Request, path_params
    ) -> Reply:
        return _listing(
            FinancesInputError,
            lambda: self._finances.list_events_by_order(
                seller, path_params["orderId"], request.query
            ),
        )

    # Vendor Orders v1 (retail procurement)

    def get_purchase_orders(self, seller: SellerAccount, request: Request, _path_params):
        return _listing(
            VendorOrdersInputError, lambda: self._vendor_orders.list_orders(seller, request.query)
        )

    def get_purchase_order(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        number = path_params["purchaseOrderNumber"]
        if not PURCHASE_ORDER_NUMBER.match(number):
            # As the model's sandbox answers purchaseOrderNumber "null".
            return error_reply(
                400,
                "InvalidRequest",
                "Request is missing or has invalid parameters",
                "purchaseOrderNumber must be an 8-character alpha-numeric code",
            )
        order = self._vendor_orders.served_order(seller, number)
        if order is None:
            return error_reply(404, "NotFound", f"Purchase order {number} was not found.")
        return json_reply(200, {"payload": order})

    def submit_acknowledgement(self, seller: SellerAccount, request: Request, _path_params):
        return self._vendor_submission(
            request,
            "SubmitAcknowledgementRequest",
            lambda body: self._vendor_orders.submit_acknowledgement(seller, body),
        )

    # Vendor Transaction Status v1

    def get_transaction(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        transaction_id = path_params["transactionId"]
        if not is_transaction_id(transaction_id):
            return error_reply(400, "InvalidInput", INVALID_TRANSACTION_ID, "")
        transaction = self._vendor_transactions.poll(seller.seller_id, transaction_id)
        if transaction is None:
            return error_reply(404, "NotFound", f"Transaction {transaction_id} was not found.")
        return json_reply(200, transaction.to_api())

    # Vendor Shipments v1

    def submit_shipments(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        return self._vendor_submission(
            request,
            "SubmitShipments",
            lambda body: self._vendor_shipments.submit_shipments(seller, body),
        )

    def get_shipment_details(self, seller: SellerAccount, request: Request, _path_params):
        return _listing(
            VendorShipmentsInputError,
            lambda: self._vendor_shipments.list_shipments(seller, request.query),
        )

    def submit_shipment_confirmations(
        self, seller: SellerAccount, request: Request, _path_params
    ) -> Reply:
        return self._vendor_submission(
            request,
            "SubmitShipmentConfirmationsRequest",
            lambda body: self._vendor_shipments.submit_confirmations(seller, body),
        )

    # Vendor Invoices v1

    def submit_invoices(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        return self._vendor_submission(
            request,
            "SubmitInvoicesRequest",
            lambda body: self._vendor_invoices.submit_invoices(seller, body),
        )

    # Vendor Direct Fulfillment (Orders, Shipping, Transactions 2021-12-28; Payments,
    # Inventory v1): the 2021-12-28 answers have no payload wrapper

    def df_get_orders(self, seller: SellerAccount, request: Request, _path_params) -> Reply:
        return _df_answer(lambda: self._direct_fulfillment.list_orders(seller, request.query))

    def df_get_order(self, seller: SellerAccount, request: Request, path_params) -> Reply:
        number = path_params["purchaseOrderNumber"]
        return _df_answer(lambda: self._direct_fulfillment.served_order(seller, number))

    def df_submit_acknowledgement(self, seller: SellerAccount, request: Request, _path_params):
        return self._vendor_submission(
            request,
            "SubmitAcknowledgementRequest",
            lambda body: self._direct_fulfillment.submit_acknowledgements(seller, body),
            payload=False,
        )

    def df_get_transaction_status(self, seller: SellerAccount, request: Request, path_params):
        transaction_id = path_params["transactionId"]
        return _df_answer(lambda: self._direct_fulfillment.transaction(seller, transaction_id))

    def df_submit_shipping_label_request(self, seller: SellerAccount, request: Request, _p):
        return self._vendor_submission(
            request,
            "SubmitShippingLabelsRequest",
            lambda body: self._direct_fulfillment.submit_label_requests(seller, body),
            payload=False,
        )

    def df_get_shipping_labels(self, seller: SellerAccount, request: Request, _path_params):
        return _df_answer(lambda: self._direct_fulfillment.list_labels(seller, request.query))

    def df_get_shipping_label(self, seller: SellerAccount, request: Request, path_params):
        number = path_params["purchaseOrderNumber"]
        return _df_answer(lambda: self._direct_fulfillment.label(seller, number))

    def df_create_shipping_labels(self, seller: SellerAccount, request: Request, path_params):
        body = _json_object(request)
        if body is None:
            return invalid_input("The request body must be a CreateShippingLabelsRequest object.")
        number = path_params["purchaseOrderNumber"]
        return _df_answer(lambda: self._direct_fulfillment.create_labels(seller, number, body))

    def df_create_container_label(self, seller: SellerAccount, request: Request, _path_params):
        body = _json_object(request)
        if body is None:
            return invalid_input("The request body must be a CreateContainerLabelRequest object.")
        return _df_answer(lambda: self._direct_fulfillment.create_container_label(seller, body))

    def df_submit_shipment_confirmations(self, seller: SellerAccount, request: Request, _p):
        return self._vendor_submission(
            request,
            "SubmitShipmentConfirmationsRequest",
            lambda body: self._direct_fulfillment.submit_confirmations(seller, body),
            payload=False,
        )

    def df_submit_shipment_status_updates(self, seller: SellerAccount, request: Request, _p):
        return self._vendor_submission(
            request,
            "SubmitShipmentStatusUpdatesRequest",
            lambda body: self._direct_fulfillment.submit_status_updates(seller, body),
            payload=False,
        )

    def df_get_customer_invoices(self, seller: SellerAccount, request: Request, _path_params):
        return _df_answer(
            lambda: self._direct_fulfillment.list_customer_invoices(seller, request.query)
        )

    def df_get_customer_invoice(self, seller: SellerAccount, request: Request, path_params):
        number = path_params["purchaseOrderNumber"]
        return _df_answer(lambda: self._direct_fulfillment.customer_invoice(seller, number))

    def df_get_packing_slips(self, seller: SellerAccount, request: Request, _path_params):
        return _df_answer(
            lambda: self._direct_fulfillment.list_packing_slips(seller, request.query)
        )

    def df_get_packing_slip(self, seller: SellerAccount, request: Request, path_params):
        number = path_params["purchaseOrderNumber"]
        return _df_answer(lambda: self._direct_fulfillment.packing_slip(seller, number))

    def df_submit_invoice(self, seller: SellerAccount, request: Request, _path_params):
        return self._vendor_submission(
            request,
            "SubmitInvoiceRequest",
            lambda body: self._direct_fulfillment.submit_invoices(seller, body),
        )

    def df_submit_inventory_update(self, seller: SellerAccount, request: Request, path_params):
        warehouse_id = path_params["warehouseId"]
        return self._vendor_submission(
            request,
            "SubmitInventoryUpdateRequest",
            lambda body: self._direct_fulfillment.submit_inventory(seller, warehouse_id, body),
        )

    def entity_too_large(self, operation: str, request: Request) -> Reply | None:
        """The 413 of a body too large for the operation (submitInventoryUpdate: the
        emulator's limit), None when it is not; checked before the contract."""
        if operation != SUBMIT_INVENTORY_UPDATE:
            return None
        reason = self._direct_fulfillment.too_large(request.body)
        return error_reply(413, "RequestEntityTooLarge", reason) if reason else None

    # Tokens API

    def create_restricted_data_token(self, seller: SellerAccount, request: Request, _p):
        body = _json_object(request)
        try:
            if body is None:
                raise TokensInputError("The body must be a CreateRestrictedDataTokenRequest.")
            return json_reply(200, self._tokens.create(seller.seller_id, body))
        except TokensInputError as error:
            return error.reply()
        except RoleMissing:
            return unauthorized(ROLE_MISSING)

    @staticmethod
    def _vendor_submission(
        request: Request, kind: str, submit: Callable[[dict], str], *, payload: bool = True
    ) -> Reply:
        """A vendor submission: 202 with its transaction id (in a `payload` unless told),
        or Amazon's 400 at once."""
        body = _json_object(request)
        if body is None:
            return invalid_input(f"The request body must be a {kind} object.")
        try:
            transaction_id = submit(body)
        except (
            VendorOrdersInputError,
            VendorShipmentsInputError,
            VendorInvoicesInputError,
            DfInputError,
        ) as error:
            # Refused at once, a submission has neither details nor another code.
            return error_reply(400, "InvalidInput", error.message)
        answer = {"transactionId": transaction_id}
        return json_reply(202, {"payload": answer} if payload else answer)

    # Pre-signed document URLs (Amazon's S3: no access token, a signature that expires)

    def _document_url(
        self, operation: str, document_id: str, content_encoding: str | None = None
    ) -> str:
        verb = "upload" if operation == UPLOAD_OPERATION else "download"
        expires = int((self._clock() + DOCUMENT_URL_LIFETIME).timestamp())
        fields = {"expires": expires}
        if content_encoding:
            fields[CONTENT_ENCODING_FIELD] = content_encoding
        signature = self._url_signature(verb, document_id, expires, content_encoding or "")
        query = urlencode({**fields, "signature": signature})
        return f"{self._base_url()}{DOCUMENTS_PATH}/{verb}/{quote(document_id, safe='')}?{query}"

    def _url_signature(
        self, verb: str, document_id: str, expires: int | str, content_encoding: str = ""
    ) -> str:
        message = f"{verb}\n{document_id}\n{expires}\n{content_encoding}".encode()
        return hmac.new(self._url_key, message, hashlib.sha256).hexdigest()

    def _stored_document(self, document_id: str):
        """A feed document or a report document (they share the document URLs)."""
        return self._feeds.document(document_id) or self._reports.document(document_id)

    def serve_document(self, operation: str, request: Request, path_params) -> Reply:
        verb = "upload" if operation == UPLOAD_OPERATION else "download"
        document_id = path_params["documentId"]
        expires = first_value(request.query, "expires") or ""
        signature = first_value(request.query, "signature") or ""
        content_encoding = first_value(request.query, CONTENT_ENCODING_FIELD) or ""
        expected = self._url_signature(verb, document_id, expires, content_encoding)
        valid_expiry = expires.isascii() and expires.isdigit()
        if not valid_expiry or not hmac.compare_digest(signature.encode(), expected.encode()):
            return _s3_error(
                403, "AccessDenied", "Query-string authentication requires a valid signature."
            )
        if self._clock().timestamp() > int(expires):
            return _s3_error(403, "AccessDenied", "Request has expired")
        document = self._stored_document(document_id)
        if document is None or (verb == "download" and not document.uploaded):
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        if verb == "download":
            headers = {"Content-Encoding": content_encoding} if content_encoding else {}
            return Reply(
                200, document.content, document.content_type, headers, check_contract=False
            )
        sent_type = request.header("Content-Type") or ""
        if _media_type(sent_type) != _media_type(document.content_type):
            return _s3_error(
                403,
                "SignatureDoesNotMatch",
                f"The request signature we calculated does not match the signature you "
                f"provided: Content-Type {sent_type!r} is not the contentType "
                f"{document.content_type!r} the document was created with.",
            )
        self._feeds.upload(document_id, request.body)
        etag = hashlib.md5(request.body, usedforsecurity=False).hexdigest()
        return Reply(200, b"", "application/xml", {"ETag": f'"{etag}"'}, check_contract=False)


def _listing(refusal: type[InputError], listed: Callable[[], dict]) -> Reply:
    """200 with what `listed` answers, or the 400 of the `refusal` it raises instead."""
    try:
        body = listed()
    except refusal as error:
        return error.reply()
    return json_reply(200, body)


def _df_answer(produce: Callable[[], dict]) -> Reply:
    """200 with what `produce` answers, or the 400 / 404 it raises instead."""
    try:
        return json_reply(200, produce())
    except DfInputError as error:
        return error.reply()
    except DfNotFound as missing:
        return error_reply(404, "NotFound", missing.message)


def _json_object(request: Request) -> dict | None:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _media_type(content_type: str) -> str:
    return ";".join(part.strip() for part in content_type.lower().split(";") if part.strip())


def _s3_error(status: int, code: str, message: str) -> Reply:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    )
    return Reply(status, body.encode(), "application/xml", check_contract=False)


def _form(request: Request) -> dict[str, str] | None:
    content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    fields = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def _lwa_error(status: int, error: str, description: str) -> Reply:
    return json_reply(status, {"error": error, "error_description": description})
