"""Vendor Central operations of the SP-API client (retail procurement): Amazon's purchase
orders, the acknowledgements sent back, and the status of every submission.

Kept beside `client.py` (which `AmazonClient` mixes this into) as DESIGN's layout asks once
the client passes 600 lines. Plain Python, no ORM; the documents layer
(`documents.vendor_orders`, `documents.vendor_transactions`) reads what these return.
"""

from datetime import datetime, timedelta, timezone

from sp_api.api import VendorInvoices, VendorOrders, VendorShipments, VendorTransactionStatus

from .errors import AmazonInvalidResponseError, AmazonRequestError
from .pagination import Page, iter_pages
from .timestamps import amazon_timestamp, aware_utc

MAX_PURCHASE_ORDERS_PER_PAGE = 100
# getPurchaseOrders: "The date range must not exceed 7 days".
MAX_PURCHASE_ORDER_RANGE = timedelta(days=7)
PURCHASE_ORDERS_PATH = "/vendor/orders/v1/purchaseOrders"


def _aware(moment):
    return aware_utc(moment) if isinstance(moment, datetime) else moment


def checked_window(operation, after, before, label):
    """Check one date range of at most 7 days (getPurchaseOrders, and the direct fulfillment
    lists); None when not given. A missing end is now."""
    if after is None and before is None:
        return None
    if after is None:
        raise AmazonRequestError(
            f"{operation}: {label}Before needs {label}After", operation=operation
        )
    after = _aware(after)
    before = _aware(before) or datetime.now(timezone.utc)
    if isinstance(after, datetime) and isinstance(before, datetime):
        if before <= after:
            raise AmazonRequestError(
                f"{operation}: {label}Before must be later than {label}After", operation=operation
            )
        if before - after > MAX_PURCHASE_ORDER_RANGE:
            raise AmazonRequestError(
                f"{operation}: Amazon takes at most 7 days between {label}After and {label}Before",
                operation=operation,
            )
    return after, before


class VendorOperations:
    """Vendor Orders and Vendor Transaction Status operations (see `AmazonClient`)."""

    def get_purchase_orders(
        self,
        *,
        created_after=None,
        created_before=None,
        changed_after=None,
        changed_before=None,
        next_token=None,
        limit=MAX_PURCHASE_ORDERS_PER_PAGE,
        include_details=True,
        sort_order="ASC",
    ):
        """Vendor Orders getPurchaseOrders: one page of the purchase orders created (or
        changed) in a range of at most 7 days. The Page's `items` are Amazon's Order objects
        (`documents.split_purchase_orders` reads the `raw` payload); the same filters go along
        with a next token."""
        operation = "getPurchaseOrders"
        created = checked_window(operation, created_after, created_before, "created")
        changed = checked_window(operation, changed_after, changed_before, "changed")
        if (created is None) == (changed is None):
            raise AmazonRequestError(
                f"{operation}: give either a created or a changed range", operation=operation
            )
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise AmazonRequestError(f"{operation}: limit is 1 to 100", operation=operation)
        if sort_order not in ("ASC", "DESC"):
            raise AmazonRequestError(f"{operation}: sortOrder is ASC or DESC", operation=operation)
        params = {
            "limit": limit,
            "sortOrder": sort_order,
            "includeDetails": str(include_details).lower(),
        }
        if created:
            params["createdAfter"], params["createdBefore"] = map(amazon_timestamp, created)
        if changed:
            params["changedAfter"], params["changedBefore"] = map(amazon_timestamp, changed)
        if next_token:
            params["nextToken"] = next_token
        response = self._call_path(
            operation, VendorOrders, "GET", PURCHASE_ORDERS_PATH, params=params
        )
        payload = response.payload if isinstance(response.payload, dict) else None
        orders = payload.get("orders", []) if payload is not None else None
        if not isinstance(orders, list):
            raise AmazonInvalidResponseError(
                f"{operation} answered without a list of orders", operation=operation
            )
        pagination = payload.get("pagination") or {}
        token = pagination.get("nextToken") if isinstance(pagination, dict) else None
        return Page(items=orders, next_token=token or None, raw=payload)

    def iter_purchase_order_pages(self, first_token=None, **filters):
        """Every page of a getPurchaseOrders query, following next tokens."""
        return iter_pages(
            lambda token: self.get_purchase_orders(next_token=token, **filters),
            first_token=first_token,
        )

    def get_purchase_order(self, purchase_order_number):
        """Vendor Orders getPurchaseOrder: the payload (one Order)."""
        operation = "getPurchaseOrder"
        if not purchase_order_number:
            raise AmazonRequestError(
                f"{operation} needs a purchase order number", operation=operation
            )
        response = self._call_path(
            operation, VendorOrders, "GET", f"{PURCHASE_ORDERS_PATH}/{purchase_order_number}"
        )
        return response.payload

    def submit_acknowledgement(self, body):
        """Vendor Orders submitAcknowledgement: the 202 payload, with the transaction id
        whose outcome `get_transaction` reads later."""
        response = self._call_path(
            "submitAcknowledgement",
            VendorOrders,
            "POST",
            "/vendor/orders/v1/acknowledgements",
            data=body,
        )
        return response.payload

    def submit_shipments(self, body):
        """Vendor Shipments SubmitShipments (routing requests): the 202 payload, with the
        transaction id."""
        return self._call_path(
            "SubmitShipments", VendorShipments, "POST", "/vendor/shipping/v1/shipments", data=body
        ).payload

    def get_shipment_details(self, *, next_token=None, limit=50, **filters):
        """Vendor Shipments GetShipmentDetails: one page of shipments (carrier, Amazon's
        reference number, status). `filters` are the model's query parameters in snake case
        (vendor_shipment_identifier, buyer_reference_number, created_after...); dates may be
        datetimes. The Page's `items` are the shipments, `raw` the payload."""
        operation = "GetShipmentDetails"
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
            raise AmazonRequestError(f"{operation}: limit is 1 to 50", operation=operation)
        params = {"limit": limit}
        for name, value in filters.items():
            if value is None:
                continue
            key = "".join(
                part if position == 0 else part.capitalize()
                for position, part in enumerate(name.split("_"))
            )
            params[key] = amazon_timestamp(_aware(value)) if isinstance(value, datetime) else value
        if next_token:
            params["nextToken"] = next_token
        payload = self._call_path(
            operation, VendorShipments, "GET", "/vendor/shipping/v1/shipments", params=params
        ).payload
        shipments = payload.get("shipments", []) if isinstance(payload, dict) else None
        if not isinstance(shipments, list):
            raise AmazonInvalidResponseError(
                f"{operation} answered without a list of shipments", operation=operation
            )
        pagination = payload.get("pagination") or {}
        token = pagination.get("nextToken") if isinstance(pagination, dict) else None
        return Page(items=shipments, next_token=token or None, raw=payload)

    def submit_shipment_confirmations(self, body):
        """Vendor Shipments SubmitShipmentConfirmations (advance shipment notices): the 202
        payload, with the transaction id."""
        return self._call_path(
            "SubmitShipmentConfirmations",
            VendorShipments,
            "POST",
            "/vendor/shipping/v1/shipmentConfirmations",
            data=body,
        ).payload

    def submit_invoices(self, body):
        """Vendor Invoices submitInvoices: the 202 payload, with the transaction id."""
        return self._call_path(
            "submitInvoices", VendorInvoices, "POST", "/vendor/payments/v1/invoices", data=body
        ).payload

    def get_transaction(self, transaction_id):
        """Vendor Transaction Status getTransaction: the payload (`transactionStatus`)."""
        operation = "getTransaction"
        if not transaction_id:
            raise AmazonRequestError(f"{operation} needs a transaction id", operation=operation)
        response = self._call_path(
            operation,
            VendorTransactionStatus,
            "GET",
            f"/vendor/transactions/v1/transactions/{transaction_id}",
        )
        return response.payload
