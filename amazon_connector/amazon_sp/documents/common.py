"""What every document parser shares."""

import codecs


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
