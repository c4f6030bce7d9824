"""Vendor Direct Fulfillment operations of the SP-API client: the orders Amazon's customers
place that the vendor ships to them itself, their acknowledgements, shipping labels, packing
slips, customer invoices, shipment confirmations and status updates, the vendor's invoices
and warehouse inventory, and the status of every submission.

The operations that return buyer data (getOrders, getOrder, getShippingLabel,
getPackingSlip, getCustomerInvoice, createShippingLabels) are called with a Restricted Data
Token, which the client gets and caches itself (`_call_path(..., restricted=True)`); without
the Direct-to-Consumer Shipping (Restricted) role Amazon refuses it:
`AmazonRestrictedDataError`. Operation names are Amazon's operationIds, except those another
API has too (dfGetOrders, dfGetOrder, dfSubmitAcknowledgement), as the emulator names them:
they have their own usage plans. The answers are returned as Amazon sends them (the
2021-12-28 APIs without `payload` wrapper); `documents.direct_fulfillment` reads them.
A 404 of getShippingLabel, getPackingSlip or getCustomerInvoice (not made yet) is an
`AmazonRequestError` with status 404: the caller asks again later.
"""

import re
from urllib.parse import quote

from sp_api.api import (
    VendorDirectFulfillmentInventory,
    VendorDirectFulfillmentOrdersV20211228,
    VendorDirectFulfillmentPayments,
    VendorDirectFulfillmentShippingV20211228,
    VendorDirectFulfillmentTransactionsV20211228,
)

from .errors import AmazonInvalidResponseError, AmazonRequestError
from .pagination import Page, iter_pages
from .timestamps import amazon_timestamp
from .vendor import checked_window

MAX_DF_ORDERS_PER_PAGE = 100
DF_ORDERS_PATH = "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders"
DF_ACKNOWLEDGEMENTS_PATH = "/vendor/directFulfillment/orders/2021-12-28/acknowledgements"
DF_SHIPPING_PATH = "/vendor/directFulfillment/shipping/2021-12-28"
DF_INVOICES_PATH = "/vendor/directFulfillment/payments/v1/invoices"
DF_INVENTORY_PATH = "/vendor/directFulfillment/inventory/v1/warehouses/{}/items"
DF_TRANSACTIONS_PATH = "/vendor/directFulfillment/transactions/2021-12-28/transactions/{}"
# OrderDetails.orderStatus, the values the getOrders `status` filter takes.
DF_ORDER_STATUSES = ("NEW", "SHIPPED", "ACCEPTED", "CANCELLED")
# The models' purchase order numbers: "alpha-numeric code" (it goes into paths, and into
# the Restricted Data Token's resource).
_PURCHASE_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9]+$")


def _purchase_order_number(operation, number):
    if not isinstance(number, str) or not _PURCHASE_ORDER_NUMBER.match(number):
        raise AmazonRequestError(
            f"{operation} needs a purchase order number of letters and digits",
            operation=operation,
        )
    return number


def _path_value(operation, value, label):
    """`value` quoted for a path segment; refused when empty."""
    if not isinstance(value, str) or not value.strip():
        raise AmazonRequestError(f"{operation} needs a {label}", operation=operation)
    return quote(value, safe="")


class DirectFulfillmentOperations:
    """Vendor Direct Fulfillment Orders, Shipping, Payments, Inventory and Transactions
    operations (see `AmazonClient`)."""

    # Orders

    def get_df_orders(
        self,
        *,
        created_after,
        created_before,
        ship_from_party_id=None,
        status=None,
        limit=MAX_DF_ORDERS_PER_PAGE,
        sort_order="ASC",
        include_details=True,
        next_token=None,
    ):
        """Direct Fulfillment Orders getOrders (restricted): one page of the orders that
        became available in a range of at most 7 days, both ends required. The Page's
        `items` are Amazon's Order objects, `raw` the OrderList with its `pagination`
        (`documents.split_df_orders` reads it); the same filters go along with a next
        token."""
        operation = "dfGetOrders"
        if created_after is None or created_before is None:
            raise AmazonRequestError(
                f"{operation} needs createdAfter and createdBefore", operation=operation
            )
        window = checked_window(operation, created_after, created_before, "created")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise AmazonRequestError(f"{operation}: limit is 1 to 100", operation=operation)
        if sort_order not in ("ASC", "DESC"):
            raise AmazonRequestError(f"{operation}: sortOrder is ASC or DESC", operation=operation)
        if status is not None and status not in DF_ORDER_STATUSES:
            raise AmazonRequestError(
                f"{operation}: status is one of {', '.join(DF_ORDER_STATUSES)}",
                operation=operation,
            )
        params = {
            "createdAfter": amazon_timestamp(window[0]),
            "createdBefore": amazon_timestamp(window[1]),
            "limit": limit,
            "sortOrder": sort_order,
            "includeDetails": str(bool(include_details)).lower(),
        }
        if ship_from_party_id:
            params["shipFromPartyId"] = ship_from_party_id
        if status:
            params["status"] = status
        if next_token:
            params["nextToken"] = next_token
        response = self._call_path(
            operation,
            VendorDirectFulfillmentOrdersV20211228,
            "GET",
            DF_ORDERS_PATH,
            params=params,
            restricted=True,
        )
        payload = response.payload if isinstance(response.payload, dict) else None
        orders = payload.get("orders", []) if payload is not None else None
        if not isinstance(orders, list):
            raise AmazonInvalidResponseError(
                f"{operation} answered without a list of orders", operation=operation
            )
        # The library moves `pagination` out of an answer without `payload` wrapper.
        pagination = response.pagination or payload.get("pagination") or {}
        if not isinstance(pagination, dict):
            raise AmazonInvalidResponseError(
                f"{operation} answered with an unreadable pagination", operation=operation
            )
        token = pagination.get("nextToken")
        return Page(
            items=orders,
            next_token=token or None,
            raw={**payload, "orders": orders, "pagination": pagination},
        )

    def iter_df_order_pages(self, first_token=None, **filters):
        """Every page of a getOrders query, following next tokens (one Restricted Data
        Token serves them all)."""
        return iter_pages(
            lambda token: self.get_df_orders(next_token=token, **filters),
            first_token=first_token,
        )

    def get_df_order(self, purchase_order_number):
        """Direct Fulfillment Orders getOrder (restricted): the Order."""
        operation = "dfGetOrder"
        number = _purchase_order_number(operation, purchase_order_number)
        return self._get_restricted(
            operation, VendorDirectFulfillmentOrdersV20211228, f"{DF_ORDERS_PATH}/{number}"
        )

    def submit_df_acknowledgement(self, body):
        """Direct Fulfillment Orders submitAcknowledgement: the 202 answer, with the
        transaction id that `get_df_transaction` follows."""
        return self._call_path(
            "dfSubmitAcknowledgement",
            VendorDirectFulfillmentOrdersV20211228,
            "POST",
            DF_ACKNOWLEDGEMENTS_PATH,
            data=body,
        ).payload

    # Shipping

    def submit_shipping_label_request(self, body):
        """Direct Fulfillment Shipping submitShippingLabelRequest: the 202 answer, with the
        transaction id. Amazon makes the labels later (`get_shipping_label`)."""
        return self._call_path(
            "submitShippingLabelRequest",
            VendorDirectFulfillmentShippingV20211228,
            "POST",
            f"{DF_SHIPPING_PATH}/shippingLabels",
            data=body,
        ).payload

    def create_shipping_labels(self, purchase_order_number, body):
        """Direct Fulfillment Shipping createShippingLabels (restricted): the labels made at
        once (a ShippingLabel). `body` is a CreateShippingLabelsRequest."""
        operation = "createShippingLabels"
        number = _purchase_order_number(operation, purchase_order_number)
        return self._call_path(
            operation,
            VendorDirectFulfillmentShippingV20211228,
            "POST",
            f"{DF_SHIPPING_PATH}/shippingLabels/{number}",
            data=body,
            restricted=True,
        ).payload

    def get_shipping_label(self, purchase_order_number):
        """Direct Fulfillment Shipping getShippingLabel (restricted): the ShippingLabel;
        AmazonRequestError 404 until Amazon made it."""
        operation = "getShippingLabel"
        number = _purchase_order_number(operation, purchase_order_number)
        return self._get_restricted(
            operation,
            VendorDirectFulfillmentShippingV20211228,
            f"{DF_SHIPPING_PATH}/shippingLabels/{number}",
        )

    def get_packing_slip(self, purchase_order_number):
        """Direct Fulfillment Shipping getPackingSlip (restricted): the PackingSlip (a PDF
        in base64); AmazonRequestError 404 until Amazon made it."""
        operation = "getPackingSlip"
        number = _purchase_order_number(operation, purchase_order_number)
        return self._get_restricted(
            operation,
            VendorDirectFulfillmentShippingV20211228,
            f"{DF_SHIPPING_PATH}/packingSlips/{number}",
        )

    def get_customer_invoice(self, purchase_order_number):
        """Direct Fulfillment Shipping getCustomerInvoice (restricted): the CustomerInvoice
        (the invoice to Amazon's customer, for vendors that put it in the parcel);
        AmazonRequestError 404 until Amazon made it."""
        operation = "getCustomerInvoice"
        number = _purchase_order_number(operation, purchase_order_number)
        return self._get_restricted(
            operation,
            VendorDirectFulfillmentShippingV20211228,
            f"{DF_SHIPPING_PATH}/customerInvoices/{number}",
        )

    def submit_df_shipment_confirmations(self, body):
        """Direct Fulfillment Shipping submitShipmentConfirmations: the 202 answer, with the
        transaction id."""
        return self._call_path(
            "submitShipmentConfirmations",
            VendorDirectFulfillmentShippingV20211228,
            "POST",
            f"{DF_SHIPPING_PATH}/shipmentConfirmations",
            data=body,
        ).payload

    def submit_df_shipment_status_updates(self, body):
        """Direct Fulfillment Shipping submitShipmentStatusUpdates (vendors shipping with
        their own carrier): the 202 answer, with the transaction id."""
        return self._call_path(
            "submitShipmentStatusUpdates",
            VendorDirectFulfillmentShippingV20211228,
            "POST",
            f"{DF_SHIPPING_PATH}/shipmentStatusUpdates",
            data=body,
        ).payload

    # Payments, inventory, transactions

    def submit_df_invoice(self, body):
        """Direct Fulfillment Payments submitInvoice: the 202 payload, with the transaction
        id."""
        return self._call_path(
            "submitInvoice", VendorDirectFulfillmentPayments, "POST", DF_INVOICES_PATH, data=body
        ).payload

    def submit_inventory_update(self, warehouse_id, body):
        """Direct Fulfillment Inventory submitInventoryUpdate of a warehouse (the ship-from
        party id): the 202 payload, with the transaction id."""
        operation = "submitInventoryUpdate"
        warehouse = _path_value(operation, warehouse_id, "warehouse id")
        return self._call_path(
            operation,
            VendorDirectFulfillmentInventory,
            "POST",
            DF_INVENTORY_PATH.format(warehouse),
            data=body,
        ).payload

    def get_df_transaction(self, transaction_id):
        """Direct Fulfillment Transactions getTransactionStatus: the answer
        ({"transactionStatus": {...}}), which `documents.parse_transaction_status` reads."""
        operation = "getTransactionStatus"
        transaction = _path_value(operation, transaction_id, "transaction id")
        return self._call_path(
            operation,
            VendorDirectFulfillmentTransactionsV20211228,
            "GET",
            DF_TRANSACTIONS_PATH.format(transaction),
        ).payload

    def _get_restricted(self, operation, api_class, path):
        payload = self._call_path(operation, api_class, "GET", path, restricted=True).payload
        if not isinstance(payload, dict) or not payload:
            raise AmazonInvalidResponseError(
                f"{operation} answered without its document", operation=operation
            )
        return payload
