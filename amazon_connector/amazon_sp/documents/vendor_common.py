"""What the Vendor Central documents (`vendor_orders`, `vendor_shipments`, `vendor_invoices`)
share: the model's parties and quantities, and how they are read and written.

Written: dates ISO 8601 in UTC with a Z, to the second (naive datetimes are UTC); amounts as
the model's Decimal strings (Decimal, int or str accepted, floats refused); text as given,
without surrounding blanks (addresses are stripped). Read: dates as naive UTC datetimes, as
Odoo stores them.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .common import (
    AmazonDocumentError,
    decimal_amount,
    expect_object,
    finite_decimal,
    parse_iso_datetime,
    read_choice,
    read_text,
    utc_timestamp,
)
from .orders import Address

TAX_REGISTRATION_TYPES = ("VAT", "GST")
# Money.unitOfMeasure: the price is per weight unit, not per each.
COST_UNITS_OF_MEASURE = ("POUNDS", "OUNCES", "GRAMS", "KILOGRAMS")
# "Formatting Notes: 8-character alpha-numeric code."
PURCHASE_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9]{8}$")
# The direct fulfillment models: "Formatting Notes: alpha-numeric code", `^[a-zA-Z0-9]+$`.
ALPHANUMERIC_PURCHASE_ORDER_NUMBER = re.compile(r"^[A-Za-z0-9]+$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
# What the direct fulfillment order examples also write ("countryCode": "USA").
COUNTRY_ALPHA_2_OR_3 = re.compile(r"^[A-Za-z]{2,3}$")
# Address fields a model may require beyond name, addressLine1 and countryCode, by the
# attribute of `orders.Address` that holds them.
ADDRESS_FIELD_KEYS = {"city": "city", "state": "stateOrRegion", "zip": "postalCode"}


def values_of(namespace):
    """The values of a class of constants (its upper-case names), in order."""
    return tuple(value for name, value in vars(namespace).items() if name.isupper())


class QuantityUnit:
    """ItemQuantity.unitOfMeasure: cases of `unitSize` units, or units."""

    CASES = "Cases"
    EACHES = "Eaches"


QUANTITY_UNITS = values_of(QuantityUnit)


@dataclass(frozen=True)
class Party:
    """A PartyIdentification: `party_id` is Amazon's code (a warehouse code for ship-to, the
    vendor code for the selling party)."""

    party_id: str
    address: Address | None = None
    tax_registration: str = ""  # taxInfo.taxRegistrationNumber
    tax_registration_type: str = ""  # VAT or GST


# Writing


def write_entries(values, build, key, *, document, nothing, twice):
    """The JSON entries `build` makes of `values` (a request's list), none of them with the
    same `key`: refuses no value at all (`nothing`) and a key used twice (`twice`, with the
    key as path)."""
    values = list(values)
    if not values:
        raise AmazonDocumentError(nothing, document=document)
    built, keys = [], set()
    for value in values:
        entry = build(value)
        if entry[key] in keys:
            raise AmazonDocumentError(twice, document=document, path=entry[key])
        keys.add(entry[key])
        built.append(entry)
    return built


def write_text(value, label, *, document, path=None, required=True):
    """A string without surrounding blanks; "" when not required and empty."""
    if value is None or value == "":
        if required:
            raise AmazonDocumentError(f"no {label}", document=document, path=path)
        return ""
    if not isinstance(value, str):
        raise AmazonDocumentError(
            f"{label} {value!r} should be a string", document=document, path=path
        )
    if value != value.strip() or not value.strip():
        raise AmazonDocumentError(
            f"{label} {value!r} has surrounding blanks", document=document, path=path
        )
    return value


def write_choice(value, values, label, *, document, path=None):
    if not isinstance(value, str) or value not in values:
        raise AmazonDocumentError(
            f"{label} {value!r} is not one of Amazon's: {', '.join(values)}",
            document=document,
            path=path,
        )
    return value


def write_whole(value, label, *, document, path=None, minimum=1):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise AmazonDocumentError(
            f"{label} {value!r} is not an integer >= {minimum}", document=document, path=path
        )
    return value


def read_amount(value, label, *, document, path=None, positive=False, minimum=None):
    """A Decimal from a Decimal, int or str (not a float: its digits are not the amount's);
    above zero when `positive`, at least `minimum` when given."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise AmazonDocumentError(
            f"{label} {value!r} should be a Decimal, int or str", document=document, path=path
        )
    amount = finite_decimal(value)
    if amount is None:
        raise AmazonDocumentError(
            f"{label} {value!r} is not a number", document=document, path=path
        )
    if positive and amount <= 0:
        raise AmazonDocumentError(
            f"{label} {value} is not above zero", document=document, path=path
        )
    if minimum is not None and amount < minimum:
        raise AmazonDocumentError(
            f"{label} {value} is below {minimum}", document=document, path=path
        )
    return amount


def decimal_text(amount):
    """The model's Decimal string of an amount: "12.50", "10" (for 1E+1)."""
    return format(amount, "f")


def write_currency(currency, *, document, path=None):
    """An ISO 4217 code: 3 capital letters."""
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        raise AmazonDocumentError(
            f"currency {currency!r} is not an ISO 4217 code", document=document, path=path
        )
    return currency


def write_money(amount, currency, unit=""):
    """A Money {currencyCode, amount: Decimal string[, unitOfMeasure]} of checked values."""
    money = {"currencyCode": currency, "amount": decimal_text(amount)}
    if unit:
        money["unitOfMeasure"] = unit
    return money


def format_date(value, label, *, document, path=None):
    """ISO 8601 in UTC with a Z, to the second; naive datetimes are UTC."""
    if not isinstance(value, datetime):
        raise AmazonDocumentError(
            f"{label} {value!r} is not a datetime", document=document, path=path
        )
    return utc_timestamp(value)


def write_purchase_order_number(number, *, document, path=None, eight_characters=True):
    """A purchase order number as the model formats it: 8 letters or digits, or (the direct
    fulfillment models, `eight_characters` False) letters and digits."""
    pattern = PURCHASE_ORDER_NUMBER if eight_characters else ALPHANUMERIC_PURCHASE_ORDER_NUMBER
    if not isinstance(number, str) or not pattern.match(number):
        form = "an 8-character alphanumeric code" if eight_characters else "alphanumeric"
        raise AmazonDocumentError(
            f"purchase order number {number!r} is not {form}",
            document=document,
            path=path,
        )
    return number


def write_product_ids(asin, vendor_product_id, *, document, path, asin_key, required=True):
    """{asin_key: ASIN, vendorProductIdentifier: ...} of what is given, at least one unless
    not `required`."""
    entry = {}
    for key, given, label in (
        (asin_key, asin, "ASIN"),
        ("vendorProductIdentifier", vendor_product_id, "vendor product id"),
    ):
        value = write_text(given, label, document=document, path=path, required=False)
        if value:
            entry[key] = value
    if not entry and required:
        raise AmazonDocumentError(
            "an item with neither ASIN nor vendor product id", document=document, path=path
        )
    return entry


def write_item_quantity(amount, unit, unit_size, *, document, path=None):
    """An ItemQuantity {amount, unitOfMeasure[, unitSize]}: a whole number >= 1 of Cases (of
    `unit_size` units) or Eaches, as purchase orders have them (Eaches may carry a unit
    size)."""
    write_whole(amount, "quantity", document=document, path=path)
    write_choice(unit, QUANTITY_UNITS, "unit of measure", document=document, path=path)
    quantity = {"amount": amount, "unitOfMeasure": unit}
    if unit_size is not None:
        quantity["unitSize"] = write_whole(unit_size, "unit size", document=document, path=path)
    elif unit == QuantityUnit.CASES:
        raise AmazonDocumentError(
            "a quantity in Cases needs its unit size (units per case)",
            document=document,
            path=path,
        )
    return quantity


def write_quantity(amount, unit, unit_size, *, document, path=None):
    """`write_item_quantity` of what the vendor ships or invoices: a unit size on Eaches is 1
    (the model: "The case size, in the event that we ordered using cases. Otherwise, 1")."""
    quantity = write_item_quantity(amount, unit, unit_size, document=document, path=path)
    if unit == QuantityUnit.EACHES and unit_size not in (None, 1):
        raise AmazonDocumentError(
            f"unit size {unit_size} on a quantity in Eaches: a case size is for Cases",
            document=document,
            path=path,
        )
    return quantity


def quantity_eaches(quantity):
    """The units of an ItemQuantity written by `write_quantity`."""
    if quantity["unitOfMeasure"] == QuantityUnit.CASES:
        return quantity["amount"] * quantity["unitSize"]
    return quantity["amount"]


def case_size(unit_size, unit, item_unit, item_unit_size):
    """The unit size of a part of an item's quantity: a part in Cases without one takes the
    item's case size when the item is in Cases."""
    if unit_size is None and unit == QuantityUnit.CASES and item_unit == QuantityUnit.CASES:
        return item_unit_size
    return unit_size


def write_party(
    party,
    label,
    *,
    document,
    path=None,
    postal_key="postalCode",
    address_required=False,
    required_fields=(),
):
    """A PartyIdentification {partyId[, address][, taxRegistrationDetails]}. The Vendor
    Invoices model names the postal code `postalOrZipCode`. `address_required`: the party
    must have its address; `required_fields`: see `write_address`."""
    if not isinstance(party, Party):
        message = f"no {label}" if party is None else f"{label} should be a Party"
        raise AmazonDocumentError(message, document=document, path=path)
    entry = {"partyId": write_text(party.party_id, f"{label} id", document=document, path=path)}
    if party.address is None and address_required:
        raise AmazonDocumentError(f"{label} without its address", document=document, path=path)
    if party.address is not None:
        entry["address"] = write_address(
            party.address,
            label,
            document=document,
            path=path,
            postal_key=postal_key,
            required_fields=required_fields,
        )
    number = party.tax_registration or ""
    kind = party.tax_registration_type or ""
    if number or kind:
        entry["taxRegistrationDetails"] = [
            {
                "taxRegistrationType": write_choice(
                    kind,
                    TAX_REGISTRATION_TYPES,
                    f"{label} tax registration type",
                    document=document,
                    path=path,
                ),
                "taxRegistrationNumber": write_text(
                    number, f"{label} tax registration number", document=document, path=path
                ),
            }
        ]
    return entry


def write_address(
    address, label, *, document, path=None, postal_key="postalCode", required_fields=()
):
    """An Address {name, addressLine1[, ...], countryCode} of an `orders.Address` (stripped;
    the company is the name when the name is empty). `required_fields`: attributes that must
    not be empty beyond name, street and country ("city", "state", "zip"), as a model may
    require them."""
    if not isinstance(address, Address):
        raise AmazonDocumentError(
            f"{label} address should be an Address", document=document, path=path
        )
    values = {}
    for name in ("name", "company", "street", "street2", "city", "state", "zip", "country_code"):
        value = getattr(address, name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise AmazonDocumentError(
                f"{label} address {name} {value!r} should be a string",
                document=document,
                path=path,
            )
        values[name] = value.strip()
    phone = address.phone.strip() if isinstance(address.phone, str) else ""
    name = values["name"] or values["company"]
    if not name:
        raise AmazonDocumentError(f"{label} address without a name", document=document, path=path)
    if not values["street"]:
        raise AmazonDocumentError(
            f"{label} address without a street (addressLine1)", document=document, path=path
        )
    country = values["country_code"]
    if not COUNTRY.match(country):
        raise AmazonDocumentError(
            f"{label} address country {country!r} is not an ISO 3166-1 alpha-2 code",
            document=document,
            path=path,
        )
    for field_name in required_fields:
        if not values[field_name]:
            key = postal_key if field_name == "zip" else ADDRESS_FIELD_KEYS[field_name]
            raise AmazonDocumentError(
                f"{label} address without {key}", document=document, path=path
            )
    entry = {"name": name, "addressLine1": values["street"]}
    for key, value in (
        ("addressLine2", values["street2"]),
        ("city", values["city"]),
        ("stateOrRegion", values["state"]),
        (postal_key, values["zip"]),
    ):
        if value:
            entry[key] = value
    entry["countryCode"] = country.upper()
    if phone:
        entry["phone"] = phone
    return entry


# Reading


def read_datetime(value, name, path=None, *, document):
    """The naive UTC datetime of an ISO 8601 text (Amazon's examples write some without
    offset: UTC)."""
    text = value.strip()
    return parse_iso_datetime(
        text[:-1] + "+00:00" if text.endswith("Z") else text,
        f"{name} is not an ISO 8601 date-time: {value!r}",
        document=document,
        path=path,
    )


def read_timestamp(mapping, key, path=None, *, document, required=False):
    """`read_datetime` of `mapping[key]`, None when absent (an error when `required`)."""
    value = read_text(mapping, key, path, document=document, required=required)
    return read_datetime(value, key, path, document=document) if value else None


def read_whole(mapping, key, path=None, *, document, minimum, required=False):
    """The integer `mapping[key]`, at least `minimum`; None when absent (an error when
    `required`)."""
    value = mapping.get(key)
    if value is None:
        if required:
            raise AmazonDocumentError(f"missing {key}", document=document, path=path)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise AmazonDocumentError(
            f"{key} should be a whole number >= {minimum}, not {value!r}",
            document=document,
            path=path,
        )
    return value


def read_flag(mapping, key, path=None, *, document, required=False):
    """The boolean `mapping[key]`; False when absent (an error when `required`)."""
    value = mapping.get(key)
    if value is None:
        if required:
            raise AmazonDocumentError(f"missing {key}", document=document, path=path)
        return False
    if not isinstance(value, bool):
        raise AmazonDocumentError(
            f"{key} should be true or false, not {value!r}", document=document, path=path
        )
    return value


def read_money(mapping, key, path=None, *, document, units=COST_UNITS_OF_MEASURE):
    """(amount, currency, unit of measure) of a Money, (None, "", "") when absent. `units`:
    the values its unitOfMeasure may take (None: the model's Money has none, not read)."""
    money = mapping.get(key)
    if money is None:
        return None, "", ""
    path = f"{path}.{key}" if path else key
    money = expect_object(money, path, document=document)
    currency = read_text(money, "currencyCode", path, document=document, required=True)
    if not CURRENCY.match(currency):
        raise AmazonDocumentError(
            f"currencyCode {currency!r} is not an ISO 4217 code", document=document, path=path
        )
    value = money.get("amount")
    if value is None or value == "":
        raise AmazonDocumentError("missing amount", document=document, path=path)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AmazonDocumentError(
            f"amount should be a decimal string, not {value!r}", document=document, path=path
        )
    amount = decimal_amount(value, document=document, path=path)
    unit = (
        "" if units is None else read_choice(money, "unitOfMeasure", units, path, document=document)
    )
    return amount, currency, unit


def read_party(mapping, key, path, *, document, type_required=True, countries=COUNTRY):
    """The Party of the PartyIdentification `mapping[key]` {partyId[, address][, taxInfo]},
    None when absent. `type_required`: the model requires taxInfo's taxRegistrationType (the
    direct fulfillment orders model does not); `countries`: see `read_address`."""
    party = mapping.get(key)
    if party is None:
        return None
    path = f"{path}.{key}"
    party = expect_object(party, path, document=document)
    address = party.get("address")
    tax_info = party.get("taxInfo")
    registration, registration_type = "", ""
    if tax_info is not None:
        where = f"{path}.taxInfo"
        tax_info = expect_object(tax_info, where, document=document)
        registration = read_text(
            tax_info, "taxRegistrationNumber", where, document=document, required=True
        )
        registration_type = read_choice(
            tax_info,
            "taxRegistrationType",
            TAX_REGISTRATION_TYPES,
            where,
            document=document,
            required=type_required,
        )
    return Party(
        party_id=read_text(party, "partyId", path, document=document, required=True),
        address=None
        if address is None
        else read_address(address, f"{path}.address", document=document, countries=countries),
        tax_registration=registration,
        tax_registration_type=registration_type,
    )


def read_address(address, path, *, document, countries=COUNTRY):
    """The `orders.Address` of an Address object (name, addressLine1 and countryCode
    required; addressLine2 and addressLine3 joined as street2; county and district, which
    `orders.Address` has no field for, left out). An `attention` other than the name (the
    direct fulfillment models) is the person the parcel is for: it becomes the name, and the
    name the company. `countries`: the country codes accepted (ISO 3166-1 alpha-2 unless the
    model's examples write others)."""
    address = expect_object(address, path, document=document)

    def text(key, required=False):
        return read_text(address, key, path, document=document, required=required).strip()

    name = text("name", required=True)
    street = text("addressLine1", required=True)
    country = text("countryCode", required=True)
    if not countries.match(country):
        expected = (
            "an ISO 3166-1 country code"
            if countries is not COUNTRY
            else ("an ISO 3166-1 alpha-2 code")
        )
        raise AmazonDocumentError(
            f"countryCode {country!r} is not {expected}", document=document, path=path
        )
    attention = text("attention")
    company = ""
    if attention and attention.casefold() != name.casefold():
        name, company = attention, name
    lines = (text(key) for key in ("addressLine2", "addressLine3"))
    return Address(
        name=name,
        company=company,
        street=street,
        street2=" ".join(line for line in lines if line),
        city=text("city"),
        state=text("stateOrRegion"),
        zip=text("postalCode"),
        country_code=country.upper(),
        phone=text("phone"),
    )
