"""Shipment confirmations (Orders v0 confirmShipment) built from typed values."""

from dataclasses import dataclass
from datetime import datetime

from .common import AmazonDocumentError, utc_timestamp

DOCUMENT = "ConfirmShipmentRequest"
OTHER_CARRIER = "Other"


@dataclass(frozen=True)
class ShipmentConfirmation:
    """One package of an Amazon order: who carries it, its tracking number, and how many
    units of each Amazon order item it holds."""

    order_id: str
    marketplace_id: str
    package_reference: str
    carrier_code: str
    carrier_name: str
    tracking_number: str
    ship_date: datetime
    shipping_method: str
    items: tuple  # ((order item id, quantity), ...)

    def problems(self):
        """What makes the confirmation unsendable, in words for the person shipping it."""
        found = []
        if not self.tracking_number:
            found.append("no tracking number")
        if not self.carrier_code:
            found.append("no Amazon carrier for the delivery's carrier")
        elif self.carrier_code == OTHER_CARRIER and not self.carrier_name:
            found.append("carrier 'Other' without a carrier name")
        if not self.items or any(quantity <= 0 for _item, quantity in self.items):
            found.append("no shipped quantity of an Amazon order item")
        return found

    def to_request(self):
        """The confirmShipment request body."""
        problems = self.problems()
        if problems:
            raise AmazonDocumentError("; ".join(problems), document=DOCUMENT, path=self.order_id)
        package = {
            "packageReferenceId": self.package_reference,
            "carrierCode": self.carrier_code,
            "trackingNumber": self.tracking_number,
            "shipDate": utc_timestamp(self.ship_date),
            "orderItems": [
                {"orderItemId": item_id, "quantity": int(quantity)}
                for item_id, quantity in self.items
            ],
        }
        if self.carrier_code == OTHER_CARRIER:
            package["carrierName"] = self.carrier_name
        if self.shipping_method:
            package["shippingMethod"] = self.shipping_method
        return {"marketplaceId": self.marketplace_id, "packageDetail": package}
