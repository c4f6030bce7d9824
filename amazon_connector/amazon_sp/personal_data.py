"""Buyer personal data in Amazon documents: its values, and an order without it.

The personal parts of an Orders API `Order` are the buyer, the recipient (delivery address
and delivery preferences), the buyer's tax registrations and the items' gift messages. What
taxes, reports and a retry of the import need of the address (country, state or region,
postal code) is kept when an order is stripped.
"""

import copy

# `shipToParty` of a direct fulfilment order is Amazon's customer's address (a retail
# purchase order's names an Amazon fulfilment centre, by its `partyId`: kept).
PERSONAL_PARTS = frozenset({"buyer", "recipient", "taxRegistrations", "giftMessage", "shipToParty"})
# Parts of the personal parts that identify nobody, left unmasked so messages stay readable.
NOT_PERSONAL_KEYS = frozenset({"countryCode", "stateOrRegion", "addressType"})
KEPT_ADDRESS_KEYS = ("countryCode", "stateOrRegion", "postalCode", "addressType")
# Shorter values (a state code, an initial) are too common to mask wherever they appear.
SHORTEST_PERSONAL_VALUE = 3


def personal_values(documents):
    """The personal strings (names, streets, e-mails, phones...) found in `documents`: an
    Amazon document, or any nesting of lists and dicts holding some."""
    found = set()
    _collect(documents, found, inside_personal_part=False)
    return found


def _collect(value, found, inside_personal_part):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in NOT_PERSONAL_KEYS:
                continue
            _collect(item, found, inside_personal_part or key in PERSONAL_PARTS)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect(item, found, inside_personal_part)
    elif inside_personal_part and isinstance(value, str):
        text = value.strip()
        if len(text) >= SHORTEST_PERSONAL_VALUE:
            found.add(text)


def without_buyer_data(order):
    """A copy of an Orders API `Order` (dict) without its buyer data: no buyer, tax
    registrations or gift messages, and of the delivery address only the country, state
    and postal code."""
    if not isinstance(order, dict):
        return copy.deepcopy(order)
    stripped = _without_keys(order, {"buyer", "recipient", "taxRegistrations", "giftMessage"})
    recipient = order.get("recipient")
    address = recipient.get("deliveryAddress") if isinstance(recipient, dict) else None
    if isinstance(address, dict):
        kept = {key: address[key] for key in KEPT_ADDRESS_KEYS if key in address}
        stripped["recipient"] = {"deliveryAddress": kept}
    details = stripped.get("orderDetails")
    ship_to = details.get("shipToParty") if isinstance(details, dict) else None
    if isinstance(ship_to, dict) and not ship_to.get("partyId"):
        details["shipToParty"] = {key: ship_to[key] for key in KEPT_ADDRESS_KEYS if key in ship_to}
    return stripped


def _without_keys(value, keys):
    if isinstance(value, dict):
        return {k: _without_keys(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without_keys(item, keys) for item in value]
    return copy.deepcopy(value)
