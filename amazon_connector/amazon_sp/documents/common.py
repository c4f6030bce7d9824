"""What every document parser shares."""

import codecs
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation


class AmazonDocumentError(ValueError):
    """A document from Amazon does not have the shape its API promises."""

    def __init__(self, message, *, document=None, path=None):
        where = f" at {path}" if path else ""
        label = f"{document}: " if document else ""
        super().__init__(f"{label}{message}{where}")
        self.document = document
        self.path = path


def require(mapping, key, *, document, path, kind=str):
    """The value of `key`, of type `kind`, or a clear AmazonDocumentError."""
    if not isinstance(mapping, dict):
        raise AmazonDocumentError("expected an object", document=document, path=path)
    value = mapping.get(key)
    if value is None or value == "":
        raise AmazonDocumentError(f"missing {key}", document=document, path=path)
    if not isinstance(value, kind):
        raise AmazonDocumentError(
            f"{key} should be {kind.__name__}, not {type(value).__name__}",
            document=document,
            path=path,
        )
    return value


def expect_object(value, path=None, *, document):
    """`value` when it is a JSON object (a dict), else an AmazonDocumentError."""
    if not isinstance(value, dict):
        raise AmazonDocumentError("expected an object", document=document, path=path)
    return value


def read_text(mapping, key, path=None, *, document, required=False):
    """The string `mapping[key]`, "" when absent or empty (an error when `required`)."""
    value = mapping.get(key)
    if value is None or value == "":
        if required:
            raise AmazonDocumentError(f"missing {key}", document=document, path=path)
        return ""
    if not isinstance(value, str):
        raise AmazonDocumentError(
            f"{key} should be a string, not {type(value).__name__}", document=document, path=path
        )
    return value


def read_list(mapping, key, path=None, *, document, required=False):
    """The list `mapping[key]`, [] when absent (an error when `required`)."""
    value = mapping.get(key)
    if value is None:
        if required:
            raise AmazonDocumentError(f"missing {key}", document=document, path=path)
        return []
    if not isinstance(value, list):
        raise AmazonDocumentError(
            f"{key} should be a list, not {type(value).__name__}", document=document, path=path
        )
    return value


def read_choice(mapping, key, values, path=None, *, document, required=False):
    """`read_text`, which must be one of `values` when given."""
    value = read_text(mapping, key, path, document=document, required=required)
    if value and value not in values:
        raise AmazonDocumentError(
            f"unknown {key} {value!r} (Amazon's: {', '.join(values)})",
            document=document,
            path=path,
        )
    return value


def finite_decimal(value):
    """The Decimal `value` writes (a number or a numeric string), None when it writes no
    finite number."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def decimal_amount(value, *, document, path=None):
    """The finite Decimal of a number or numeric string, else "not an amount"."""
    amount = finite_decimal(value)
    if amount is None:
        raise AmazonDocumentError(f"not an amount: {value!r}", document=document, path=path)
    return amount


def as_utc(moment):
    """An aware UTC datetime; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def naive_utc(moment):
    """A datetime as Odoo stores them: naive UTC (a naive one is taken as UTC)."""
    return as_utc(moment).replace(tzinfo=None)


def utc_timestamp(moment):
    """ISO 8601 in UTC with a Z, to the second; a naive datetime is UTC."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_datetime(text, message, *, document, path=None):
    """The naive UTC datetime of an ISO 8601 `text`, else an AmazonDocumentError saying
    `message`."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise AmazonDocumentError(message, document=document, path=path) from None
    return naive_utc(moment)


GZIP_MAGIC = b"\x1f\x8b"


def decode_text(content, *, document, encoding=None):
    """The text of a flat-file report document given as bytes or str.

    Bytes are UTF-8 (with or without BOM), UTF-16 when they start with its BOM, else
    Windows-1252 and finally Latin-1 (which decodes any byte), unless `encoding` says
    otherwise. Gzipped bytes are refused: decompressing is the client's job.
    """
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    if not isinstance(content, bytes | bytearray | memoryview):
        raise AmazonDocumentError(
            f"expected bytes or text, not {type(content).__name__}", document=document
        )
    data = bytes(content)
    if data.startswith(GZIP_MAGIC):
        raise AmazonDocumentError(
            "gzip-compressed: the client decompresses report documents before parsing",
            document=document,
        )
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError) as error:
            raise AmazonDocumentError(f"not {encoding}: {error}", document=document) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").removeprefix("\ufeff")
    for fallback in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    # Latin-1 decodes any byte (cp1252 leaves five undefined).
    return data.decode("latin-1")
