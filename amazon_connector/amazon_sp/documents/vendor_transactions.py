"""Vendor Transaction Status API v1 (and the Vendor Direct Fulfillment Transactions API
2021-12-28): what became of a vendor transaction.

Vendor Central's POST operations (submitAcknowledgement of the Vendor Orders API, and later
submitShipmentConfirmations and submitInvoices) do not apply what they are sent at once: they
answer 202 with a `transactionId` (see `vendor_orders.parse_transaction_id`), and Amazon
checks the transaction later. Only `getTransaction` tells whether it was applied: `status`
Processing (ask again later), Success, or Failure with the `errors` that say why. A 202 is
therefore never "done": the caller keeps the transaction id until the status is final.

`parse_transaction_status` reads a getTransaction 200 response
(`{"payload": {"transactionStatus": {...}}}`), its `payload`, or the `transactionStatus`
(Transaction) object itself; and a direct fulfillment getTransactionStatus answer, which has
no `payload` (`{"transactionStatus": {...}}`) and gives the errors as an ErrorList object
(`"errors": {"errors": [...]}`) rather than a list. A status the model does not list is
refused rather than guessed: a new value means the model changed and the caller's handling
must be reviewed. A response that holds only `errors` (Amazon refused the request itself) is
refused with them.
"""

from dataclasses import dataclass

from .common import AmazonDocumentError, expect_object, read_choice, read_text

DOCUMENT = "vendor transaction status"


class TransactionStatusValue:
    """`status` of a Transaction: Processing until Amazon has checked it."""

    FAILURE = "Failure"
    PROCESSING = "Processing"
    SUCCESS = "Success"


TRANSACTION_STATUSES = (
    TransactionStatusValue.FAILURE,
    TransactionStatusValue.PROCESSING,
    TransactionStatusValue.SUCCESS,
)
FINAL_STATUSES = frozenset({TransactionStatusValue.FAILURE, TransactionStatusValue.SUCCESS})
# Keys that tell a TransactionStatus or Transaction object from a response.
TRANSACTION_KEYS = frozenset({"transactionStatus", "transactionId", "status"})


@dataclass(frozen=True)
class TransactionError:
    """One Error of Amazon's ErrorList (code and message required, details optional)."""

    code: str
    message: str
    details: str = ""

    def text(self):
        details = f" ({self.details})" if self.details else ""
        return f"{self.code}: {self.message}{details}"


@dataclass(frozen=True)
class TransactionStatus:
    """What Amazon made of one transaction."""

    transaction_id: str
    status: str  # TransactionStatusValue
    errors: tuple[TransactionError, ...] = ()

    @property
    def is_final(self):
        """Amazon is done with it: Success or Failure (never changes again)."""
        return self.status in FINAL_STATUSES

    @property
    def succeeded(self):
        return self.status == TransactionStatusValue.SUCCESS

    def error_text(self):
        """The errors as one line: "code: message (details); ...", "" without errors."""
        return "; ".join(error.text() for error in self.errors)


def parse_transaction_status(payload):
    """A getTransaction answer: the whole response, its `payload`, or its
    `transactionStatus` object, as a TransactionStatus. Raises AmazonDocumentError, with the
    path of the faulty part, for what is malformed."""
    transaction, path = _transaction(payload)
    transaction_id = read_text(transaction, "transactionId", path, document=DOCUMENT, required=True)
    status = read_choice(
        transaction, "status", TRANSACTION_STATUSES, path, document=DOCUMENT, required=True
    )
    errors = parse_errors(transaction.get("errors"), DOCUMENT, f"{path}.errors")
    return TransactionStatus(transaction_id=transaction_id, status=status, errors=errors)


def _transaction(payload):
    """(Transaction object, its path) of a response, its payload or the object itself."""
    expect_object(payload, document=DOCUMENT)
    path = ""
    if payload.get("payload") is not None:
        path = "payload"
        payload = expect_object(payload["payload"], path, document=DOCUMENT)
    elif not TRANSACTION_KEYS & payload.keys():
        refuse_error_response(payload, DOCUMENT)
    if "transactionStatus" in payload:
        path = f"{path}.transactionStatus" if path else "transactionStatus"
        return expect_object(payload["transactionStatus"], path, document=DOCUMENT), path
    if path:
        raise AmazonDocumentError("missing transactionStatus", document=DOCUMENT, path=path)
    return payload, "transactionStatus"


def parse_errors(errors, document, path):
    """The TransactionErrors of an Amazon ErrorList (None: no error): a list of Errors, or
    (the direct fulfillment models of 2021-12-28) an object {"errors": [...]}."""
    if isinstance(errors, dict) and "errors" in errors:
        path = f"{path}.errors"
        errors = errors["errors"]
        if errors is None:
            raise AmazonDocumentError("missing errors", document=document, path=path)
    if errors is None:
        return ()
    if not isinstance(errors, list):
        raise AmazonDocumentError(
            f"errors should be a list, not {type(errors).__name__}", document=document, path=path
        )
    found = []
    for index, error in enumerate(errors):
        where = f"{path}[{index}]"
        expect_object(error, where, document=document)
        found.append(
            TransactionError(
                code=read_text(error, "code", where, document=document, required=True),
                message=read_text(error, "message", where, document=document, required=True),
                details=read_text(error, "details", where, document=document),
            )
        )
    return tuple(found)


def refuse_error_response(payload, document):
    """Raise for an answer without payload: with Amazon's errors when it holds some."""
    errors = parse_errors(payload.get("errors"), document, "errors")
    if errors:
        text = "; ".join(error.text() for error in errors)
        raise AmazonDocumentError(f"Amazon answered with errors: {text}", document=document)
    raise AmazonDocumentError("missing payload", document=document)
