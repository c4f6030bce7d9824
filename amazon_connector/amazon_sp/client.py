"""The Amazon Selling Partner API client of one account (plain Python, no ORM).

Built on python-amazon-sp-api for request building, with what that library leaves out:
- credentials come from the account only (never from environment variables or files);
- the account's `api_endpoint` / `lwa_endpoint` replace Amazon's hosts (sandbox, emulator);
- one HTTP session (httpx client) per client, explicit timeouts, closed by `close()`;
- typed errors for every failure, including a 5xx HTML page or a truncated body, which the
  library alone turns into an empty response;
- a per-operation rate limiter following `x-amzn-RateLimit-Limit`, short bounded retries;
- access tokens cached per account, safe across threads; Restricted Data Tokens (for
  operations returning buyer data) got and cached by the client itself.
No secret, token or buyer data is ever logged.
"""

import contextvars
import functools
import gzip
import logging
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import httpx
from sp_api.api import (
    FeedsV20210630,
    FinancesV0,
    OrdersV0,
    OrdersV20260101,
    Reports,
    Sellers,
    Tokens,
)
from sp_api.api.listings_items.listings_items_2021_08_01 import ListingsItemsV20210801
from sp_api.auth import AccessTokenClient, AccessTokenResponse
from sp_api.base.credential_provider import FromCodeCredentialProvider

from .direct_fulfillment import DirectFulfillmentOperations
from .errors import (
    AmazonAuthError,
    AmazonError,
    AmazonInvalidResponseError,
    AmazonRequestError,
    AmazonRestrictedDataError,
    AmazonServerError,
    AmazonThrottledError,
    AmazonTimeoutError,
    AmazonTransportError,
)
from .pagination import Page, iter_pages
from .rate_limit import SHARED_RATE_LIMITER
from .timestamps import amazon_timestamp, aware_utc
from .tokens import SHARED_TOKEN_CACHE, TokenCache, account_key
from .vendor import VendorOperations

_logger = logging.getLogger(__name__)
# httpx logs every request URL at INFO; our own DEBUG line per call says what matters.
logging.getLogger("httpx").setLevel(logging.WARNING)

REGION_ENDPOINTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}
LWA_ENDPOINT = "https://api.amazon.com/auth/o2/token"
LWA_OPERATION = "lwaToken"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# Library methods that only read, so a retry after a server or transport error is harmless.
READ_METHOD_PREFIXES = ("get_", "search_")
DOWNLOAD_OPERATION = "downloadDocument"
RESTRICTED_DATA_TOKEN_OPERATION = "createRestrictedDataToken"
RESTRICTED_DATA_TOKEN_PATH = "/tokens/2021-03-01/restrictedDataToken"
# The Vendor Central role whose data (Amazon's customers' addresses) the direct fulfillment
# orders, labels, packing slips and customer invoices hold.
DIRECT_TO_CONSUMER_SHIPPING_ROLE = "Direct-to-Consumer Shipping (Restricted)"
ORDER_DATASETS = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "FULFILLMENT",
    "PROMOTION",
    "CANCELLATION",
    "TAX",
)
# Finances v0 listFinancialEvents: events may be posted up to 48 hours late; both dates must
# be more than two minutes before the request (a minute more here, for clocks that differ);
# dates more than 180 days apart give an empty answer.
FINANCIAL_EVENTS_LATENESS = timedelta(hours=48)
POSTED_BEFORE_MARGIN = timedelta(minutes=3)
MAX_POSTED_RANGE = timedelta(days=180)
MAX_FINANCIAL_EVENTS_PER_PAGE = 100

# The operation being executed, so the shared transport can name it in errors and limits.
_current_operation = contextvars.ContextVar("amazon_operation", default=None)


@dataclass(frozen=True)
class AccountCredentials:
    """Login-with-Amazon credentials of one selling partner authorisation."""

    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)

    def missing(self):
        names = {
            "LWA client id": self.client_id,
            "LWA client secret": self.client_secret,
            "refresh token": self.refresh_token,
        }
        return [name for name, value in names.items() if not value]


@dataclass(frozen=True)
class _ApiHost:
    """What python-amazon-sp-api expects of a marketplace: the host to call."""

    endpoint: str
    marketplace_id: str
    region: str


def _sleep(seconds):
    """time.sleep looked up at call time, so tests can patch it."""
    time.sleep(seconds)


def financial_events_window(cursor, now=None, *, lateness=FINANCIAL_EVENTS_LATENESS):
    """(posted_after, posted_before) of a job reading financial events incrementally.

    `cursor` is the posted_before of the job's last complete run (None the first time: the
    window then starts `lateness` back). posted_after is the cursor minus `lateness`, so
    events Amazon posts late are still seen (the same event read twice is deduplicated by
    its key downstream); posted_before is `now` minus POSTED_BEFORE_MARGIN, and at most 180
    days after posted_after, so a job far behind catches up window after window. Once every
    page is read, posted_before is the job's new cursor. Naive datetimes are taken as UTC;
    the window is in aware UTC datetimes.
    """
    now = aware_utc(now or datetime.now(timezone.utc))
    before = now - POSTED_BEFORE_MARGIN
    after = (aware_utc(cursor) if cursor else before) - lateness
    if after >= before:
        after = before - lateness
    return after, min(before, after + MAX_POSTED_RANGE)


def _csv(values):
    """An array query parameter as Amazon takes it (collectionFormat csv); None when empty.
    A string is one value."""
    if not values:
        return None
    return values if isinstance(values, str) else ",".join(values)


def _exchange(http, operation, description, method, url, **kwargs):
    """One HTTP exchange; no answer at all becomes a typed error naming `description`."""
    try:
        return http.request(method, url, **kwargs)
    except httpx.TimeoutException:
        raise AmazonTimeoutError(
            f"{description} did not answer in time", operation=operation
        ) from None
    except httpx.HTTPError as error:
        raise AmazonTransportError(
            f"Cannot reach {description} ({error.__class__.__name__})", operation=operation
        ) from None


def _amazon_errors(response):
    """(code, message) of the first entry of Amazon's `errors` list, if the body has one."""
    try:
        body = response.json()
    except ValueError:
        return None, None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors or not isinstance(errors, list) or not isinstance(errors[0], dict):
        return None, None
    first = errors[0]
    message = " ".join(filter(None, [first.get("message"), first.get("details")]))
    return first.get("code"), message or None


def _retry_after(response):
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class _CheckedTransport:
    """The library's transport interface over one httpx client, turning every HTTP outcome
    that is not a usable JSON answer into a typed error before the library sees it."""

    def __init__(self, owner, http):
        self._owner = owner
        self._http = http

    def request(self, method, url, *, params=None, data=None, content=None, headers=None):
        operation = _current_operation.get() or "unknown"
        started = time.monotonic()
        response = _exchange(
            self._http,
            operation,
            "Amazon",
            method,
            url,
            params=params,
            data=data,
            content=content,
            headers=headers,
        )
        _logger.debug(
            "Amazon %s: HTTP %s in %.2fs (request id %s)",
            operation,
            response.status_code,
            time.monotonic() - started,
            response.headers.get("x-amzn-RequestId"),
        )
        self._owner._observe(operation, response)
        self._raise_for_status(operation, response)
        return response

    def _raise_for_status(self, operation, response):
        status = response.status_code
        request_id = response.headers.get("x-amzn-RequestId")
        context = {"operation": operation, "status": status, "request_id": request_id}
        if status == 204 or (200 <= status < 300 and not response.content):
            return  # confirmShipment answers 204 without a body
        if 200 <= status < 300:
            try:
                body = response.json()
            except ValueError:
                raise AmazonInvalidResponseError(
                    "Amazon's answer is not valid JSON (truncated or malformed body)", **context
                ) from None
            if not isinstance(body, dict | list):
                raise AmazonInvalidResponseError("Amazon's answer is not a JSON object", **context)
            return
        code, message = _amazon_errors(response)
        if status == 429:
            wait = self._owner._throttled(operation, _retry_after(response))
            raise AmazonThrottledError(
                message or "Amazon throttled the request", retry_after=wait, code=code, **context
            )
        if status in (401, 403):
            raise AmazonAuthError(message or "Amazon refused the credentials", code=code, **context)
        if status >= 500:
            raise AmazonServerError(
                message or f"Amazon had a server error (HTTP {status})", code=code, **context
            )
        raise AmazonRequestError(
            message or f"Amazon rejected the request (HTTP {status})", code=code, **context
        )

    def close(self):
        """The httpx client belongs to the AmazonClient, which closes it."""


class AmazonClient(VendorOperations, DirectFulfillmentOperations):
    """SP-API operations of one account. Use as a context manager, or call `close()`."""

    def __init__(
        self,
        credentials,
        region="na",
        *,
        api_endpoint=None,
        lwa_endpoint=None,
        timeout=DEFAULT_TIMEOUT,
        max_wait=10.0,
        max_retries=2,
        rate_limiter=SHARED_RATE_LIMITER,
        token_cache=SHARED_TOKEN_CACHE,
        sleep=None,
    ):
        missing = credentials.missing()
        if missing:
            raise AmazonAuthError(f"Credentials incomplete: {', '.join(missing)} missing")
        if not api_endpoint and region not in REGION_ENDPOINTS:
            raise AmazonRequestError(f"Unknown Amazon region {region!r}")
        self.credentials = credentials
        self.region = region
        self.api_endpoint = (api_endpoint or REGION_ENDPOINTS[region]).rstrip("/")
        self.lwa_endpoint = lwa_endpoint or LWA_ENDPOINT
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.key = account_key(self.lwa_endpoint, credentials.client_id, credentials.refresh_token)
        self._limiter = rate_limiter
        self._tokens = token_cache
        # Restricted Data Tokens by "METHOD path", for this client's life.
        self._restricted_tokens = TokenCache()
        self._sleep = sleep or _sleep
        self._http = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
        self._transport = _CheckedTransport(self, self._http)
        self._host = _ApiHost(endpoint=self.api_endpoint, marketplace_id="", region=region)
        self._apis = {}

    # ------------------------------------------------------------------ lifecycle

    def close(self):
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # ------------------------------------------------------------------ operations

    def get_marketplace_participations(self):
        """Sellers API: the marketplaces this account participates in (list of dicts)."""
        response = self._call(
            "getMarketplaceParticipations", Sellers, "get_marketplace_participation"
        )
        payload = response.payload
        if not isinstance(payload, list):
            raise AmazonInvalidResponseError(
                "getMarketplaceParticipations answered without a payload list",
                operation="getMarketplaceParticipations",
            )
        return payload

    def search_orders(
        self,
        *,
        marketplace_ids,
        last_updated_after=None,
        last_updated_before=None,
        created_after=None,
        created_before=None,
        fulfillment_statuses=None,
        fulfilled_by=None,
        included_data=ORDER_DATASETS,
        max_results_per_page=100,
        pagination_token=None,
    ):
        """Orders 2026-01-01 searchOrders: one page of orders."""
        params = {
            "marketplaceIds": list(marketplace_ids),
            "lastUpdatedAfter": amazon_timestamp(last_updated_after),
            "lastUpdatedBefore": amazon_timestamp(last_updated_before),
            "createdAfter": amazon_timestamp(created_after),
            "createdBefore": amazon_timestamp(created_before),
            "fulfillmentStatuses": list(fulfillment_statuses) if fulfillment_statuses else None,
            "fulfilledBy": list(fulfilled_by) if fulfilled_by else None,
            "includedData": list(included_data) if included_data else None,
            "maxResultsPerPage": max_results_per_page,
            "paginationToken": pagination_token,
        }
        params = {name: value for name, value in params.items() if value is not None}
        response = self._call("searchOrders", OrdersV20260101, "search_orders", **params)
        body = response.payload
        orders = body.get("orders") if isinstance(body, dict) else None
        if not isinstance(orders, list):
            raise AmazonInvalidResponseError(
                "searchOrders answered without an orders list", operation="searchOrders"
            )
        # The library moves `pagination` out of the payload into its own attribute.
        pagination = response.pagination or {}
        return Page(
            items=orders,
            next_token=pagination.get("nextToken"),
            raw={**body, "pagination": pagination},
        )

    def iter_order_pages(self, first_token=None, **filters):
        """Every page of a searchOrders query, following pagination tokens."""
        return iter_pages(
            lambda token: self.search_orders(pagination_token=token, **filters),
            first_token=first_token,
        )

    def get_order(self, order_id, included_data=ORDER_DATASETS):
        """Orders 2026-01-01 getOrder: one order (dict)."""
        params = {"includedData": list(included_data)} if included_data else {}
        response = self._call("getOrder", OrdersV20260101, "get_order", order_id, **params)
        order = response.payload.get("order") if isinstance(response.payload, dict) else None
        if not isinstance(order, dict):
            raise AmazonInvalidResponseError(
                "getOrder answered without an order", operation="getOrder"
            )
        return order

    def confirm_shipment(self, order_id, body):
        """Orders v0 confirmShipment: `body` is a ConfirmShipmentRequest (packageDetail,
        marketplaceId), sent as it is — not wrapped in a `payload` key."""
        self._call("confirmShipment", OrdersV0, "confirm_shipment", order_id, **body)

    def submit_feed(self, feed_type, marketplace_ids, content, content_type):
        """Feeds API: create a feed document, upload `content` (bytes), create the feed.
        Returns (feed id, feed document id)."""
        document = self._call_path(
            "createFeedDocument",
            FeedsV20210630,
            "POST",
            "/feeds/2021-06-30/documents",
            data={"contentType": content_type},
        ).payload
        document_id, url = document.get("feedDocumentId"), document.get("url")
        if not document_id or not url:
            raise AmazonInvalidResponseError(
                "createFeedDocument answered without a document id and URL",
                operation="createFeedDocument",
            )
        self._transfer("uploadFeedDocument", "PUT", url, content, content_type)
        feed = self._call_path(
            "createFeed",
            FeedsV20210630,
            "POST",
            "/feeds/2021-06-30/feeds",
            data={
                "feedType": feed_type,
                "marketplaceIds": list(marketplace_ids),
                "inputFeedDocumentId": document_id,
            },
        ).payload
        if not feed.get("feedId"):
            raise AmazonInvalidResponseError(
                "createFeed answered without a feed id", operation="createFeed"
            )
        return feed["feedId"], document_id

    def get_feed(self, feed_id):
        """Feeds API getFeed: the feed's processing status and result document id."""
        return self._call_path(
            "getFeed", FeedsV20210630, "GET", f"/feeds/2021-06-30/feeds/{feed_id}"
        ).payload

    def download_feed_document(self, document_id):
        """Feeds API getFeedDocument, then the document itself (bytes, uncompressed)."""
        return self._download_document(
            "getFeedDocument",
            FeedsV20210630,
            f"/feeds/2021-06-30/documents/{document_id}",
        )

    def get_reports(
        self,
        report_types,
        *,
        processing_statuses=None,
        marketplace_ids=None,
        created_since=None,
        created_until=None,
        page_size=100,
        next_token=None,
    ):
        """Reports API getReports: one page of reports (dicts), newest first.

        With `next_token` only the token is sent (Amazon refuses any other parameter with it:
        the token carries the filters); `report_types` is then not needed.
        """
        if next_token:
            params = {"nextToken": next_token}
        elif report_types:
            params = {
                "reportTypes": _csv(report_types),
                "processingStatuses": _csv(processing_statuses),
                "marketplaceIds": _csv(marketplace_ids),
                "createdSince": amazon_timestamp(created_since),
                "createdUntil": amazon_timestamp(created_until),
                "pageSize": page_size,
            }
            params = {name: value for name, value in params.items() if value is not None}
        else:
            raise AmazonRequestError(
                "getReports needs report types or a next token", operation="getReports"
            )
        response = self._call_path(
            "getReports", Reports, "GET", "/reports/2021-06-30/reports", params=params
        )
        body = response.payload
        reports = body.get("reports") if isinstance(body, dict) else None
        if not isinstance(reports, list):
            raise AmazonInvalidResponseError(
                "getReports answered without a reports list", operation="getReports"
            )
        # The library moves `nextToken` out of the payload into its own attribute.
        return Page(
            items=reports,
            next_token=response.next_token,
            raw={**body, "nextToken": response.next_token},
        )

    def iter_report_pages(self, report_types, first_token=None, **filters):
        """Every page of a getReports query, following next tokens."""
        return iter_pages(
            lambda token: self.get_reports(report_types, next_token=token, **filters),
            first_token=first_token,
        )

    def create_report(
        self, report_type, marketplace_ids, *, data_start=None, data_end=None, report_options=None
    ):
        """Reports API createReport: ask Amazon to make a report; returns its report id, to
        poll with `get_report` until DONE (or CANCELLED: no data, FATAL: failed).

        `data_start` / `data_end` bound the data reported (Amazon's default: now), and must
        not be in the future; `report_options` maps option names to strings. A single
        marketplace id may be given as a string. Not retried on server errors: a retry could
        make a second report.
        """
        marketplaces = [marketplace_ids] if isinstance(marketplace_ids, str) else marketplace_ids
        marketplaces = list(marketplaces or ())
        if not report_type or not marketplaces:
            raise AmazonRequestError(
                "createReport needs a report type and at least one marketplace id",
                operation="createReport",
            )
        if report_options and not all(isinstance(v, str) for v in report_options.values()):
            raise AmazonRequestError(
                "createReport's report options are texts (such as 'true'), by option name",
                operation="createReport",
            )
        body = {
            "reportType": report_type,
            "marketplaceIds": marketplaces,
            "dataStartTime": amazon_timestamp(data_start),
            "dataEndTime": amazon_timestamp(data_end),
            "reportOptions": dict(report_options) if report_options else None,
        }
        body = {name: value for name, value in body.items() if value is not None}
        created = self._call_path(
            "createReport", Reports, "POST", "/reports/2021-06-30/reports", data=body
        ).payload
        report_id = created.get("reportId") if isinstance(created, dict) else None
        if not report_id or not isinstance(report_id, str):
            raise AmazonInvalidResponseError(
                "createReport answered without a report id", operation="createReport"
            )
        return report_id

    def get_report(self, report_id):
        """Reports API getReport: the report's processing status and document id (dict)."""
        report = self._call_path(
            "getReport", Reports, "GET", f"/reports/2021-06-30/reports/{report_id}"
        ).payload
        if not isinstance(report, dict) or not report.get("reportId"):
            raise AmazonInvalidResponseError(
                "getReport answered without a report", operation="getReport"
            )
        return report

    def get_report_document(self, document_id):
        """Reports API getReportDocument, then the document itself (bytes, uncompressed)."""
        return self._download_document(
            "getReportDocument",
            Reports,
            f"/reports/2021-06-30/documents/{document_id}",
        )

    def list_financial_events(
        self, posted_after, posted_before=None, next_token=None, max_results=100
    ):
        """Finances v0 listFinancialEvents: one page of the financial events posted in
        [posted_after, posted_before) (Amazon's default end: two minutes before the request).

        Both dates must be more than two minutes in the past (see `financial_events_window`).
        With `next_token`, the same dates and page size go along with it, as the model asks.
        The Page's `items` holds one entry, the page's `FinancialEvents` object (event lists
        by name, such as RefundEventList; `documents.parse_refund_events` reads it); `raw` is
        the payload, with `NextToken`.
        """
        operation = "listFinancialEvents"
        if not posted_after:
            raise AmazonRequestError("listFinancialEvents needs posted_after", operation=operation)
        if (
            isinstance(posted_after, datetime)
            and isinstance(posted_before, datetime)
            and aware_utc(posted_before) <= aware_utc(posted_after)
        ):
            raise AmazonRequestError(
                "listFinancialEvents: posted_before must be later than posted_after",
                operation=operation,
            )
        params = {
            "PostedAfter": amazon_timestamp(posted_after),
            "PostedBefore": amazon_timestamp(posted_before),
            "MaxResultsPerPage": self._financial_events_page_size(operation, max_results),
            "NextToken": next_token,
        }
        params = {name: value for name, value in params.items() if value is not None}
        response = self._call_path(
            operation, FinancesV0, "GET", "/finances/v0/financialEvents", params=params
        )
        return self._financial_events_page(operation, response)

    def iter_financial_event_pages(
        self, posted_after, posted_before=None, first_token=None, max_results=100
    ):
        """Every page of a listFinancialEvents query, following next tokens."""
        return iter_pages(
            lambda token: self.list_financial_events(
                posted_after, posted_before, next_token=token, max_results=max_results
            ),
            first_token=first_token,
        )

    def list_financial_events_by_order(self, order_id, next_token=None, max_results=100):
        """Finances v0 listFinancialEventsByOrderId: one page of an order's financial events
        (a Page as `list_financial_events` returns)."""
        operation = "listFinancialEventsByOrderId"
        if not order_id:
            raise AmazonRequestError(f"{operation} needs an order id", operation=operation)
        params = {"MaxResultsPerPage": self._financial_events_page_size(operation, max_results)}
        if next_token:
            params["NextToken"] = next_token
        response = self._call_path(
            operation,
            FinancesV0,
            "GET",
            f"/finances/v0/orders/{order_id}/financialEvents",
            params=params,
        )
        return self._financial_events_page(operation, response)

    def iter_order_financial_event_pages(self, order_id, first_token=None, max_results=100):
        """Every page of an order's financial events, following next tokens."""
        return iter_pages(
            lambda token: self.list_financial_events_by_order(
                order_id, next_token=token, max_results=max_results
            ),
            first_token=first_token,
        )

    @staticmethod
    def _financial_events_page_size(operation, max_results):
        if (
            isinstance(max_results, bool)
            or not isinstance(max_results, int)
            or not 1 <= max_results <= MAX_FINANCIAL_EVENTS_PER_PAGE
        ):
            raise AmazonRequestError(
                f"{operation}: max_results is 1 to {MAX_FINANCIAL_EVENTS_PER_PAGE}",
                operation=operation,
            )
        return max_results

    @staticmethod
    def _financial_events_page(operation, response):
        payload = response.payload
        events = payload.get("FinancialEvents", {}) if isinstance(payload, dict) else None
        if not isinstance(events, dict):
            raise AmazonInvalidResponseError(
                f"{operation} answered without FinancialEvents", operation=operation
            )
        return Page(items=[events], next_token=response.next_token or None, raw=payload)

    def patch_listings_item(self, seller_id, sku, marketplace_ids, product_type, patches):
        """Listings Items patchListingsItem: the submission response (status, issues)."""
        response = self._call(
            "patchListingsItem",
            ListingsItemsV20210801,
            "patch_listings_item",
            seller_id,
            sku,
            marketplaceIds=",".join(marketplace_ids),
            body={"productType": product_type, "patches": patches},
        )
        return response.payload

    def _download_document(self, operation, api_class, path):
        """A document's metadata (Feeds or Reports), then its content from the pre-signed URL,
        uncompressed."""
        document = self._call_path(operation, api_class, "GET", path).payload
        url = document.get("url") if isinstance(document, dict) else None
        if not url:
            raise AmazonInvalidResponseError(
                f"{operation} answered without a URL", operation=operation
            )
        content = self._transfer(DOWNLOAD_OPERATION, "GET", url)
        compression = document.get("compressionAlgorithm")
        if compression is None:
            return content
        if compression != "GZIP":
            raise AmazonInvalidResponseError(
                f"{operation} answered with an unknown compressionAlgorithm", operation=operation
            )
        try:
            return gzip.decompress(content)
        except (OSError, EOFError, zlib.error):
            raise AmazonInvalidResponseError(
                "The downloaded document is not the gzip data its metadata announces",
                operation=DOWNLOAD_OPERATION,
            ) from None

    def _transfer(self, operation, method, url, content=None, content_type=None):
        """Upload or download a document at a pre-signed URL (no SP-API token)."""
        headers = {"content-type": content_type} if content_type else None
        response = _exchange(
            self._http,
            operation,
            "the document storage",
            method,
            url,
            content=content,
            headers=headers,
        )
        if response.status_code >= 500:
            raise AmazonServerError(
                "Document storage had a server error",
                operation=operation,
                status=response.status_code,
            )
        if response.status_code >= 300:
            raise AmazonRequestError(
                "Document transfer refused", operation=operation, status=response.status_code
            )
        return response.content

    # ------------------------------------------------------------------ machinery

    def _api(self, api_class):
        api = self._apis.get(api_class)
        if api is None:
            api = api_class(
                marketplace=self._host,
                refresh_token=self.credentials.refresh_token,
                credentials={
                    "lwa_app_id": self.credentials.client_id,
                    "lwa_client_secret": self.credentials.client_secret,
                    "refresh_token": self.credentials.refresh_token,
                },
                credential_providers=(FromCodeCredentialProvider,),
                auth_token_client_class=self._access_token_client_class(),
            )
            # The library reads SP_API_DEFAULT_MARKETPLACE from the environment and would
            # then call Amazon's real host: the account's endpoint always wins.
            api.endpoint = self._host.endpoint
            api.marketplace_id = self._host.marketplace_id
            api.region = self._host.region
            api._transport.close()
            api._transport = self._transport
            self._apis[api_class] = api
        return api

    def _access_token_client_class(self):
        owner = self

        class AccountAccessTokenClient(AccessTokenClient):
            """Tokens from the account's LWA endpoint, through the account's cache."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._transport.close()

            def get_auth(self):
                return AccessTokenResponse(access_token=owner._access_token(), token_type="bearer")

        return AccountAccessTokenClient

    def _access_token(self):
        return self._tokens.get(self.key, self._request_access_token)

    def _request_access_token(self):
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.credentials.refresh_token,
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
        }
        headers = {"content-type": "application/x-www-form-urlencoded;charset=UTF-8"}
        response = _exchange(
            self._http,
            LWA_OPERATION,
            "Login with Amazon",
            "POST",
            self.lwa_endpoint,
            data=form,
            headers=headers,
        )
        return self._access_token_from(response)

    def _access_token_from(self, response):
        context = {"operation": LWA_OPERATION, "status": response.status_code}
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 500:
            raise AmazonServerError("Login with Amazon had a server error", **context)
        if response.status_code == 429:
            raise AmazonThrottledError(
                "Login with Amazon throttled the request",
                retry_after=_retry_after(response) or 1.0,
                **context,
            )
        if not isinstance(body, dict):
            raise AmazonInvalidResponseError("Login with Amazon answered without JSON", **context)
        if response.status_code != 200 or not body.get("access_token"):
            code = body.get("error")
            description = body.get("error_description") or "credentials refused"
            raise AmazonAuthError(f"Login with Amazon: {description}", code=code, **context)
        return body["access_token"], body.get("expires_in", 3600)

    def _observe(self, operation, response):
        """Adopt the live usage plan Amazon reports for the operation."""
        header = response.headers.get("x-amzn-RateLimit-Limit")
        if header:
            try:
                self._limiter.update_rate(self.key, operation, float(header))
            except ValueError:
                _logger.debug("Ignoring unreadable x-amzn-RateLimit-Limit for %s", operation)

    def _throttled(self, operation, retry_after):
        return self._limiter.throttled(self.key, operation, retry_after)

    def _call(self, operation, api_class, method_name, *args, **kwargs):
        """Call a python-amazon-sp-api method as `operation` (see `_run`)."""
        method = getattr(self._api(api_class), method_name)
        return self._run(
            operation,
            lambda: method(*args, **kwargs),
            read=method_name.startswith(READ_METHOD_PREFIXES),
        )

    def _call_path(
        self, operation, api_class, method, path, *, data=None, params=None, restricted=False
    ):
        """Call an SP-API path directly, where the library's method sends a wrong request
        (createFeed puts its own `path` argument in the body; getReport, and getReports without
        marketplaceIds, add marketplace parameters the model does not declare) or works around
        our session (createFeedDocument, getFeedDocument and getReportDocument downloads open
        HTTP clients of their own).

        `restricted`: the operation returns buyer data, and Amazon takes for it a Restricted
        Data Token (for exactly this method and path) in `x-amz-access-token` instead of the
        access token; see `_restricted_data_token`."""
        api = self._api(api_class)

        def request():
            # A new body each attempt: the library pops `method` out of the one it gets, and a
            # retry (after a throttle) with the same dict would be sent as a GET.
            body = {**(data or {}), "method": method}
            headers = None
            if restricted:
                token = self._restricted_data_token(operation, method, path)
                headers = {**api.headers, "x-amz-access-token": token}
            return api._request(
                path,
                data=body,
                params=dict(params or {}),
                headers=headers,
                add_marketplace=False,
            )

        forget = None
        if restricted:
            forget = functools.partial(self._restricted_tokens.invalidate, f"{method} {path}")
        return self._run(operation, request, read=method == "GET", on_token_expired=forget)

    def _restricted_data_token(self, operation, method, path):
        """The Restricted Data Token of `method path`, asked once and reused until a minute
        before it expires."""
        return self._restricted_tokens.get(
            f"{method} {path}",
            functools.partial(self._request_restricted_data_token, operation, method, path),
        )

    def _request_restricted_data_token(self, operation, method, path):
        """Tokens API createRestrictedDataToken for one restricted resource (no dataElements:
        the direct fulfillment paths take none): (token, seconds it lives). Amazon refuses it
        (403, or 400) when the application lacks the role the data needs."""
        body = {"restrictedResources": [{"method": method, "path": path}]}
        try:
            payload = self._call_path(
                RESTRICTED_DATA_TOKEN_OPERATION,
                Tokens,
                "POST",
                RESTRICTED_DATA_TOKEN_PATH,
                data=body,
            ).payload
        except (AmazonAuthError, AmazonRequestError) as error:
            if error.status not in (400, 403):
                raise
            raise AmazonRestrictedDataError(
                f"Amazon refused a Restricted Data Token for {operation}: the application needs "
                f"the {DIRECT_TO_CONSUMER_SHIPPING_ROLE} role of the vendor account (Amazon "
                f"said: {error.message})",
                operation=RESTRICTED_DATA_TOKEN_OPERATION,
                status=error.status,
                code=error.code,
                request_id=error.request_id,
            ) from None
        token = payload.get("restrictedDataToken") if isinstance(payload, dict) else None
        lifetime = payload.get("expiresIn") if isinstance(payload, dict) else None
        if not token or not isinstance(token, str):
            raise AmazonInvalidResponseError(
                "createRestrictedDataToken answered without a token",
                operation=RESTRICTED_DATA_TOKEN_OPERATION,
            )
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            raise AmazonInvalidResponseError(
                "createRestrictedDataToken answered without the token's lifetime (expiresIn)",
                operation=RESTRICTED_DATA_TOKEN_OPERATION,
            )
        return token, lifetime

    def _run(self, operation, request, read, on_token_expired=None):
        """Run one operation under the rate limiter, with short bounded retries.

        Retried: a throttle whose wait fits in `max_wait`; a server or transport error of a
        read operation; an expired access token (refreshed once; `on_token_expired` drops
        the operation's other tokens, its Restricted Data Token). Anything else, or the same
        failure again, is raised for the caller to record.
        """
        attempts = 0
        token_refreshed = False
        while True:
            self._limiter.acquire(self.key, operation, self.max_wait)
            marker = _current_operation.set(operation)
            try:
                return request()
            except AmazonAuthError as error:
                if (
                    isinstance(error, AmazonRestrictedDataError)
                    or token_refreshed
                    or "expired" not in (error.message or "").lower()
                ):
                    raise
                token_refreshed = True
                self._tokens.invalidate(self.key)
                if on_token_expired is not None:
                    on_token_expired()
            except AmazonThrottledError:
                if attempts >= self.max_retries:
                    raise
                attempts += 1
            except (AmazonServerError, AmazonTransportError) as error:
                if attempts >= self.max_retries or not read:
                    raise
                attempts += 1
                backoff = min(self.max_wait, 0.5 * 2**attempts)
                _logger.info(
                    "Amazon %s failed (%s), retrying in %.1fs",
                    operation,
                    error.__class__.__name__,
                    backoff,
                )
                self._sleep(backoff)
            finally:
                _current_operation.reset(marker)


__all__ = [
    "REGION_ENDPOINTS",
    "AccountCredentials",
    "AmazonClient",
    "AmazonError",
    "amazon_timestamp",
    "financial_events_window",
]
