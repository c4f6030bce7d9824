"""Vendor Transaction Status API v1: how Amazon processed a vendor's asynchronous submission.

Retail procurement submissions (Vendor Orders' submitAcknowledgement; later shipment
confirmations and invoices) answer 202 with a `transactionId` at once, and Amazon processes
them later: getTransaction (`/vendor/transactions/v1/transactions/{transactionId}`) answers
`Processing`, then `Success`, or `Failure` with `errors` (Amazon's Error: code, message,
details).

A desk registers its submission with `TransactionDesk.register(transaction_id, seller_id,
kind, subjects, process)`; the outcome is deferred: like feeds and reports, the first
`processing_polls` getTransaction calls answer Processing, and the next one runs
`process(forced_errors)`, which applies the submission and returns its errors ([] for
Success). `forced_errors` are the errors the emulator's owner asked for
(`fail_next(purchase_order_number, ...)`: the next submission about that purchase order
fails); when there are some, `process` must apply nothing and return them. With 0 polls,
`register` processes the submission at once.

Vendor Direct Fulfillment submissions share the desk (and its forced failures) under the
family `DIRECT_FULFILLMENT`: each API's transaction status operation only sees its own
family's transactions (Amazon's Vendor Transaction Status and Direct Fulfillment
Transactions APIs are distinct).

Transaction ids: the model's examples are a timestamp and a UUID
(`20190108091302-6ca0ac50-d06e-45f5-a1e2-eb448eadac50`); ids seen from Amazon in public issues
put the UUID first (`3d918995-7acd-460d-8916-569aed7a87b2-20211201162243`). The emulator makes
the model's kind and reads both. getTransaction answers an id of neither shape with the
model's sandbox 400 (InvalidInput "Invalid transmission ID."), and an id it never gave to the
caller (unknown, or another vendor's) with 404 NotFound.
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .clock import as_utc

GET_TRANSACTION = "getTransaction"
RETAIL = "retail"  # transaction families (see the module's notes)
DIRECT_FULFILLMENT = "directFulfillment"
STATUSES = ("Failure", "Processing", "Success")
INVALID_TRANSACTION_ID = "Invalid transmission ID."
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_TRANSACTION_ID = re.compile(rf"^(\d{{14}}-{_UUID}|{_UUID}-\d{{14}})$", re.IGNORECASE)

# process(forced_errors) -> the errors of the submission, [] when it succeeded
Processor = Callable[[list[dict]], list[dict]]


def new_transaction_id(moment: datetime) -> str:
    """A transaction id as the model's examples show them: `yyyyMMddHHmmss-<uuid>`."""
    return f"{as_utc(moment):%Y%m%d%H%M%S}-{uuid.uuid4()}"


def is_transaction_id(text: str) -> bool:
    """True for an id of the shape Amazon gives (see the module's notes)."""
    return bool(_TRANSACTION_ID.match(text))


def submitted_entries(
    body: Mapping, name: str, refusal: type[Exception], *, empty: str, not_object: str
) -> list[dict]:
    """The submission's entries under `name`; raises `refusal(empty)` when it sends none,
    `refusal(not_object)` when one of them is not a JSON object."""
    entries = body.get(name)
    if not isinstance(entries, list) or not entries:
        raise refusal(empty)
    if not all(isinstance(entry, dict) for entry in entries):
        raise refusal(not_object)
    return entries


def mark_processed(records: Iterable, errors: list[dict], now: datetime) -> None:
    """A submission's records processed at `now`: all Success, or all Failure with `errors`."""
    for record in records:
        record.processed = now
        record.status = "Failure" if errors else "Success"
        record.errors = copy.deepcopy(errors)


def vendor_error(code: str, message: str, details: str | None = None) -> dict:
    """Amazon's `Error` of a failed transaction."""
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return error


@dataclass
class VendorTransaction:
    transaction_id: str
    seller_id: str
    kind: str  # the operation that submitted it, e.g. "submitAcknowledgement"
    subjects: tuple[str, ...]  # the purchase order numbers the submission is about
    submitted: datetime
    process: Processor = field(repr=False)
    forced_errors: list[dict] = field(default_factory=list)
    polls_left: int = 0
    status: str = "Processing"
    errors: list[dict] = field(default_factory=list)
    completed: datetime | None = None
    running: bool = False  # processing now, in another thread
    family: str = RETAIL

    def to_api(self) -> dict:
        """getTransaction's answer: a `GetTransactionResponse`."""
        transaction: dict = {"transactionId": self.transaction_id, "status": self.status}
        if self.status == "Failure":
            transaction["errors"] = copy.deepcopy(self.errors)
        return {"payload": {"transactionStatus": transaction}}

    def describe(self) -> dict:
        return {
            "transaction_id": self.transaction_id,
            "seller_id": self.seller_id,
            "kind": self.kind,
            "subjects": list(self.subjects),
            "status": self.status,
            "errors": copy.deepcopy(self.errors),
            "submitted": self.submitted,
            "completed": self.completed,
        }


class TransactionDesk:
    """Thread-safe transactions of all vendors, and the failures the owner forces."""

    def __init__(self, clock: Callable[[], datetime], processing_polls: int = 1):
        self._clock = clock
        self._default_polls = processing_polls
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget transactions and forced failures; the polls go back to their default."""
        with self._lock:
            self._transactions: dict[str, VendorTransaction] = {}
            self._forced: dict[str, list[dict]] = {}
            self.processing_polls = self._default_polls

    def fail_next(
        self, purchase_order_number: str, code: str, message: str, details: str | None = None
    ) -> None:
        """Make the next submission about the purchase order fail with this error (each call
        fails one more submission)."""
        with self._lock:
            self._forced.setdefault(purchase_order_number, []).append(
                vendor_error(code, message, details)
            )

    def register(
        self,
        transaction_id: str,
        seller_id: str,
        kind: str,
        subjects: Iterable[str],
        process: Processor,
        *,
        family: str = RETAIL,
    ) -> None:
        """Record a submission; its outcome comes from `process` (see the module's notes)."""
        subjects = tuple(subjects)
        with self._lock:
            forced = []
            for subject in dict.fromkeys(subjects):
                waiting = self._forced.get(subject)
                if waiting:
                    forced.append(waiting.pop(0))
            transaction = VendorTransaction(
                transaction_id=transaction_id,
                seller_id=seller_id,
                kind=kind,
                subjects=subjects,
                submitted=self._clock(),
                process=process,
                forced_errors=forced,
                polls_left=max(0, int(self.processing_polls)),
                family=family,
            )
            self._transactions[transaction_id] = transaction
            process_now = transaction.polls_left == 0
            transaction.running = process_now
        if process_now:
            self._complete(transaction)

    def poll(
        self, seller_id: str, transaction_id: str, family: str = RETAIL
    ) -> VendorTransaction | None:
        """The transaction as getTransaction sees it now (each poll moves it one step), None
        when the seller has no such transaction of that family."""
        with self._lock:
            transaction = self._transactions.get(transaction_id)
            if (
                transaction is None
                or transaction.seller_id != seller_id
                or transaction.family != family
            ):
                return None
            process_now = False
            if transaction.status == "Processing" and not transaction.running:
                if transaction.polls_left > 0:
                    transaction.polls_left -= 1
                else:
                    transaction.running = process_now = True
            if not process_now:
                return copy.copy(transaction)
        self._complete(transaction)
        with self._lock:
            return copy.copy(transaction)

    def transactions(self, seller_id: str) -> list[dict]:
        """The seller's transactions, oldest first."""
        with self._lock:
            return [t.describe() for t in self._transactions.values() if t.seller_id == seller_id]

    def _complete(self, transaction: VendorTransaction) -> None:
        """Run the submission's processing (outside the lock: it takes its desk's lock)."""
        try:
            errors = transaction.process(list(transaction.forced_errors))
        except Exception:
            with self._lock:
                transaction.running = False
            raise
        with self._lock:
            transaction.errors = copy.deepcopy(errors)
            transaction.status = "Failure" if errors else "Success"
            transaction.completed = self._clock()
            transaction.running = False
