"""What every document parser shares."""


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
