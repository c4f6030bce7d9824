"""Feeds API 2021-06-30: feed documents, feeds, and processing JSON_LISTINGS_FEED documents.

A feed goes IN_QUEUE -> IN_PROGRESS -> DONE (or FATAL) as its client polls `getFeed`: the first
`processing_polls` polls answer IN_PROGRESS, the next one processes the document. The document
is checked against Amazon's JSON Schema for listings feeds (`schemas/feeds/` beside the
models): an unusable document makes the feed FATAL, a bad message gets an ERROR issue, and the
accepted messages change the listings. Every processed feed gets a processing report (result
document) in Amazon's format. The XML order feeds (refunds, cancellations) are processed by
`order_feeds.OrderFeedDesk`.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jsonschema

from .clock import format_timestamp
from .listings import (
    ListingIssue,
    ListingStore,
    ListingUpdate,
    attributes_update,
    delete_update,
    patches_update,
)
from .order_feeds import ORDER_FEED_TYPES, XML_CONTENT_TYPE, OrderFeedDesk, failure_report

_log = logging.getLogger("amazon_emulator")

JSON_LISTINGS_FEED = "JSON_LISTINGS_FEED"
FEED_SCHEMA_FILE = "schemas/feeds/listings-feed-schema-v2.json"
REPORT_SCHEMA_FILE = "schemas/feeds/listings-feed-processing-report-schema-v2.json"
REPORT_CONTENT_TYPE = "application/json; charset=UTF-8"

# Issue codes of processing reports (besides the listing ones).
INVALID_FEED = "INVALID_FEED"
INVALID_MESSAGE = "INVALID_MESSAGE"
DUPLICATE_MESSAGE_ID = "DUPLICATE_MESSAGE_ID"
UNSUPPORTED_OPERATION = "UNSUPPORTED_OPERATION"


class FeedInputError(Exception):
    """A createFeed request Amazon answers with 400."""


@dataclass
class FeedDocument:
    document_id: str
    seller_id: str
    content_type: str
    content: bytes | None = None  # None until uploaded

    @property
    def uploaded(self) -> bool:
        return self.content is not None

    def parsed(self):
        """The content as JSON, else as text; None before upload."""
        return None if self.content is None else parse_content(self.content)


def parse_content(content: bytes):
    """A document's content as JSON, else as text."""
    text = content.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass
class Feed:
    feed_id: str
    seller_id: str
    feed_type: str
    marketplace_ids: list[str]
    input_document_id: str
    created: datetime
    polls_left: int
    content: bytes = field(default=b"", repr=False)  # the input document when the feed was made
    feed_options: dict = field(default_factory=dict)
    status: str = "IN_QUEUE"
    started: datetime | None = None
    ended: datetime | None = None
    result_document_id: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("DONE", "FATAL", "CANCELLED")

    def to_api(self) -> dict:
        """The `Feed` getFeed serves."""
        feed = {
            "feedId": self.feed_id,
            "feedType": self.feed_type,
            "marketplaceIds": list(self.marketplace_ids),
            "createdTime": format_timestamp(self.created),
            "processingStatus": self.status,
        }
        if self.started:
            feed["processingStartTime"] = format_timestamp(self.started)
        if self.ended:
            feed["processingEndTime"] = format_timestamp(self.ended)
        if self.result_document_id:
            feed["resultFeedDocumentId"] = self.result_document_id
        return feed


class FeedDesk:
    """Thread-safe feed documents and feeds of all sellers."""

    def __init__(
        self,
        listings: ListingStore,
        clock: Callable[[], datetime],
        schemas_dir: Callable[[], Path | None],
        report_problems: Callable[[list[str]], None],
        processing_polls: int = 1,
        *,
        order_feeds: OrderFeedDesk | None = None,
    ):
        """`order_feeds` processes the XML order feeds (refunds, cancellations); without it
        createFeed refuses them."""
        self._listings = listings
        self._order_feeds = order_feeds
        self._clock = clock
        self._schemas_dir = schemas_dir
        self._report_problems = report_problems
        self.processing_polls = processing_polls
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._documents: dict[str, FeedDocument] = {}
            self._feeds: dict[str, Feed] = {}

    # Documents

    def create_document(self, seller_id: str, content_type: str) -> FeedDocument:
        document = FeedDocument(_document_id(), seller_id, content_type)
        with self._lock:
            self._documents[document.document_id] = document
        return copy.copy(document)

    def document(self, document_id: str, seller_id: str | None = None) -> FeedDocument | None:
        with self._lock:
            document = self._documents.get(document_id)
            if document is None or seller_id not in (None, document.seller_id):
                return None
            return copy.copy(document)

    def upload(self, document_id: str, content: bytes) -> bool:
        with self._lock:
            document = self._documents.get(document_id)
            if document is None:
                return False
            document.content = bytes(content)
            return True

    # Feeds

    def create_feed(
        self,
        seller_id: str,
        seller_marketplaces: Iterable[str],
        *,
        feed_type: str,
        marketplace_ids: list[str],
        document_id: str,
        feed_options: Mapping | None = None,
    ) -> Feed:
        """The created feed; raises FeedInputError for what Amazon answers with 400."""
        unknown = [m for m in marketplace_ids if m not in set(seller_marketplaces)]
        if unknown:
            raise FeedInputError(f"Invalid marketplaceIds: {', '.join(unknown)}.")
        processed = (JSON_LISTINGS_FEED, *(ORDER_FEED_TYPES if self._order_feeds else ()))
        if feed_type not in processed:
            raise FeedInputError(
                f"Feed type {feed_type} is not processed by the emulator, only "
                f"{', '.join(processed)} (Amazon removed the XML and flat-file listings feeds "
                "on 2025-07-31)."
            )
        with self._lock:
            document = self._documents.get(document_id)
            if document is None or document.seller_id != seller_id:
                raise FeedInputError(f"Invalid inputFeedDocumentId: {document_id}.")
            if not document.uploaded:
                raise FeedInputError(
                    f"The feed document {document_id} has no content: upload it to the URL "
                    "createFeedDocument returned before calling createFeed."
                )
            now = self._clock()
            feed = Feed(
                feed_id=_feed_id(),
                seller_id=seller_id,
                feed_type=feed_type,
                marketplace_ids=list(marketplace_ids),
                input_document_id=document_id,
                created=now,
                polls_left=max(0, int(self.processing_polls)),
                content=document.content or b"",
                feed_options=dict(feed_options or {}),
            )
            self._feeds[feed.feed_id] = feed
            if feed.polls_left == 0:
                self._process(feed, now)
            return copy.copy(feed)

    def poll(self, seller_id: str, feed_id: str) -> Feed | None:
        """The feed as getFeed sees it now: each poll moves it one step on."""
        with self._lock:
            feed = self._feeds.get(feed_id)
            if feed is None or feed.seller_id != seller_id:
                return None
            if not feed.finished:
                now = self._clock()
                if feed.polls_left > 0:
                    feed.polls_left -= 1
                    feed.status = "IN_PROGRESS"
                    feed.started = feed.started or now
                else:
                    self._process(feed, now)
            return copy.copy(feed)

    def feeds(self) -> list[dict]:
        """Every created feed, with its documents parsed."""
        with self._lock:
            return [self._describe(feed) for feed in self._feeds.values()]

    def _describe(self, feed: Feed) -> dict:
        result = self._documents.get(feed.result_document_id or "")
        return {
            **feed.to_api(),
            "sellerId": feed.seller_id,
            "feedOptions": dict(feed.feed_options),
            "inputFeedDocumentId": feed.input_document_id,
            "contentType": self._documents[feed.input_document_id].content_type,
            "document": parse_content(feed.content),
            "report": result.parsed() if result else None,
        }

    # Processing

    def _process(self, feed: Feed, now: datetime) -> None:
        if feed.feed_type in ORDER_FEED_TYPES and self._order_feeds:
            self._process_order_feed(feed, now)
            return
        processor = _ListingsFeedProcessor(
            feed, self._listings, now, self._schema(FEED_SCHEMA_FILE)
        )
        try:
            report = processor.run(feed.content)
        except Exception:
            _log.exception("amazon_emulator: failed processing feed %s", feed.feed_id)
            report = processor.fatal_report("The emulator failed processing the feed; see its log.")
        self._check_report(report)
        result = FeedDocument(
            _document_id(), feed.seller_id, REPORT_CONTENT_TYPE, json.dumps(report).encode()
        )
        self._documents[result.document_id] = result
        feed.status = "FATAL" if processor.fatal else "DONE"
        feed.started = feed.started or now
        feed.ended = now
        feed.result_document_id = result.document_id

    def _process_order_feed(self, feed: Feed, now: datetime) -> None:
        try:
            report, fatal = self._order_feeds.process(
                feed_id=feed.feed_id,
                seller_id=feed.seller_id,
                feed_type=feed.feed_type,
                content=feed.content,
                content_type=self._documents[feed.input_document_id].content_type,
                now=now,
            )
        except Exception:
            _log.exception("amazon_emulator: failed processing feed %s", feed.feed_id)
            report, fatal = failure_report(feed.seller_id, feed.feed_id), True
        result = FeedDocument(_document_id(), feed.seller_id, XML_CONTENT_TYPE, report)
        self._documents[result.document_id] = result
        feed.status = "FATAL" if fatal else "DONE"
        feed.started = feed.started or now
        feed.ended = now
        feed.result_document_id = result.document_id

    def _schema(self, relative: str) -> dict | None:
        directory = self._schemas_dir()
        return _load_schema(directory / relative) if directory else None

    def _check_report(self, report: dict) -> None:
        schema = self._schema(REPORT_SCHEMA_FILE)
        if schema is None:
            return
        errors = jsonschema.Draft7Validator(schema).iter_errors(report)
        self._report_problems(
            [
                f"{JSON_LISTINGS_FEED} processing report{_pointer(e.absolute_path)}: {e.message}"
                for e in errors
            ]
        )


@functools.cache
def _load_schema(path: Path) -> dict | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


class _ListingsFeedProcessor:
    """One run over a JSON_LISTINGS_FEED document; `run` returns the processing report."""

    def __init__(self, feed: Feed, listings: ListingStore, now: datetime, schema: dict | None):
        self.feed = feed
        self.listings = listings
        self.now = now
        self.schema = schema
        self.fatal = False

    def run(self, content: bytes) -> dict:
        try:
            document = json.loads(content.decode("utf-8"))
        except UnicodeDecodeError:
            return self.fatal_report("The feed document is not UTF-8 text.")
        except ValueError as error:
            return self.fatal_report(f"The feed document is not valid JSON: {error}.")
        document_problems, message_problems = self._schema_errors(document)
        if document_problems:
            return self.fatal_report(
                "The feed document does not match the JSON_LISTINGS_FEED (v2) schema: "
                + "; ".join(document_problems)
            )
        header_seller = document["header"].get("sellerId")
        if header_seller != self.feed.seller_id:
            return self.fatal_report(
                f"header.sellerId {header_seller!r} is not the selling partner that submitted "
                f"the feed ({self.feed.seller_id})."
            )
        return self._process_messages(document["messages"], message_problems)

    def _schema_errors(self, document) -> tuple[list[str], dict[int, list[str]]]:
        """Problems of the document as a whole, and problems by message index."""
        if self.schema is None:
            return _basic_document_problems(document)
        document_problems: list[str] = []
        message_errors: dict[int, list] = {}
        for error in jsonschema.Draft7Validator(self.schema).iter_errors(document):
            path = list(error.absolute_path)
            if len(path) >= 2 and path[0] == "messages" and isinstance(path[1], int):
                message_errors.setdefault(path[1], []).append(error)
            else:
                document_problems.append(f"{_pointer(path, lead='') or '/'}: {error.message}")
        message_problems = {
            index: _message_problems(document["messages"][index], errors)
            for index, errors in message_errors.items()
            if isinstance(document["messages"][index], dict)  # else reported as not an object
        }
        return document_problems, message_problems

    def _process_messages(self, messages: list, message_problems: dict[int, list[str]]) -> dict:
        issues: list[dict] = []
        accepted = 0
        seen_ids: set[int] = set()
        for index, message in enumerate(messages):
            problems, message_id, sku = self._message_issues(
                message, message_problems.get(index, []), seen_ids
            )
            if not problems:
                problems = self._submit(message)
            issues += [problem.to_report(message_id, sku) for problem in problems]
            accepted += not problems
        errors = sum(1 for issue in issues if issue["severity"] == "ERROR")
        return self._report(
            issues,
            {
                "errors": errors,
                "warnings": sum(1 for issue in issues if issue["severity"] == "WARNING"),
                "messagesProcessed": len(messages),
                "messagesAccepted": accepted,
                "messagesInvalid": len(messages) - accepted,
            },
        )

    @staticmethod
    def _message_issues(message, schema_problems: list[str], seen_ids: set[int]):
        """(issues that make the message invalid before it is applied, its id, its SKU)."""
        if not isinstance(message, dict):
            return [ListingIssue(INVALID_MESSAGE, "A message must be an object.")], None, None
        message_id = message.get("messageId")
        if not _is_positive_integer(message_id):
            message_id = None
        sku = message.get("sku") if isinstance(message.get("sku"), str) else None
        problems = [ListingIssue(INVALID_MESSAGE, text) for text in schema_problems]
        if message_id is not None and message_id in seen_ids:
            problems.append(
                ListingIssue(
                    DUPLICATE_MESSAGE_ID,
                    f"messageId {message_id} is used by an earlier message of this feed.",
                )
            )
        if message_id is not None:
            seen_ids.add(message_id)
        return problems, message_id, sku or None

    def _submit(self, message: Mapping) -> list[ListingIssue]:
        """Apply a schema-valid message; the issues that stopped it."""
        sku, operation = message["sku"], message["operationType"]
        marketplaces = self.feed.marketplace_ids
        update: ListingUpdate
        if operation == "PATCH":
            update, issues = patches_update(
                sku, message["productType"], message["patches"], marketplaces
            )
        elif operation == "PARTIAL_UPDATE":
            update, issues = attributes_update(
                sku, message["productType"], message["attributes"], marketplaces
            )
        elif operation == "DELETE":
            update, issues = delete_update(sku, marketplaces), []
        else:
            return [
                ListingIssue(
                    UNSUPPORTED_OPERATION,
                    f"operationType {operation} is not supported by the emulator; use PATCH, "
                    "PARTIAL_UPDATE or DELETE.",
                )
            ]
        issues = self.listings.screen(self.feed.seller_id, sku) + issues
        if not issues:
            self.listings.apply(self.feed.seller_id, update, self.now)
        return issues

    def fatal_report(self, message: str) -> dict:
        self.fatal = True
        issue = ListingIssue(INVALID_FEED, message).to_report(None, None)
        summary = {
            "errors": 1,
            "warnings": 0,
            "messagesProcessed": 0,
            "messagesAccepted": 0,
            "messagesInvalid": 0,
        }
        return self._report([issue], summary)

    def _report(self, issues: list[dict], summary: dict) -> dict:
        header = {"sellerId": self.feed.seller_id, "version": "2.0", "feedId": self.feed.feed_id}
        return {"header": header, "issues": issues, "summary": summary}


def _message_problems(message: Mapping, errors: list) -> list[str]:
    """Readable problems of one message from its schema errors."""
    problems = []
    for error in errors:
        if error.validator == "oneOf" and len(error.absolute_path) == 2:
            problems += _operation_rules_broken(message, error.schema)
        else:
            where = _pointer(list(error.absolute_path)[2:], lead="")
            problems.append(f"{where}: {error.message}" if where else error.message)
    return problems


def _operation_rules_broken(message: Mapping, one_of_schema) -> list[str]:
    """What the schema's branch for the message's operationType requires or forbids."""
    operation = message.get("operationType")
    for branch in one_of_schema.get("oneOf", []) if isinstance(one_of_schema, dict) else []:
        properties = branch.get("properties", {})
        if properties.get("operationType", {}).get("const") != operation:
            continue
        missing = [name for name in branch.get("required", []) if name not in message]
        forbidden = [name for name, rule in properties.items() if rule is False and name in message]
        return [f"'{name}' is required for operationType {operation}" for name in missing] + [
            f"'{name}' is not allowed for operationType {operation}" for name in forbidden
        ]
    return []  # an operationType outside the enum: its own error says so


def _basic_document_problems(document) -> tuple[list[str], dict[int, list[str]]]:
    """Without Amazon's schema: what a feed and its messages must at least be."""
    if not isinstance(document, dict):
        return ["/: the document must be an object"], {}
    problems = []
    header = document.get("header")
    if not isinstance(header, dict) or header.get("version") != "2.0":
        problems.append("/header: must be an object with version '2.0'")
    messages = document.get("messages")
    if not isinstance(messages, list) or not messages:
        problems.append("/messages: must be a non-empty array")
        return problems, {}
    by_message = {
        index: found
        for index, message in enumerate(messages)
        if (found := _basic_message_problems(message))
    }
    return problems, by_message


_REQUIRED_BY_OPERATION = {
    "PATCH": (("productType", str), ("patches", list)),
    "PARTIAL_UPDATE": (("productType", str), ("attributes", dict)),
    "UPDATE": (("productType", str), ("attributes", dict)),
    "DELETE": (),
}


def _basic_message_problems(message) -> list[str]:
    if not isinstance(message, dict):
        return []  # reported as not an object
    problems = []
    if not _is_positive_integer(message.get("messageId")):
        problems.append("/messageId: must be an integer >= 1")
    if not isinstance(message.get("sku"), str) or not message["sku"]:
        problems.append("/sku: must be a non-empty string")
    operation = message.get("operationType")
    if operation not in _REQUIRED_BY_OPERATION:
        return [
            *problems,
            f"/operationType: {operation!r} is not one of {list(_REQUIRED_BY_OPERATION)}",
        ]
    for name, kind in _REQUIRED_BY_OPERATION[operation]:
        if not isinstance(message.get(name), kind):
            problems.append(f"'{name}' is required for operationType {operation}")
    return problems


def _is_positive_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _pointer(parts: Iterable, lead: str = " at ") -> str:
    rendered = "".join(f"/{part}" for part in parts)
    return f"{lead}{rendered}" if rendered else ""


def _document_id() -> str:
    return f"amzn1.tortuga.4.na.{uuid.uuid4()}.{secrets.token_hex(6).upper()}"


def _feed_id() -> str:
    return str(50_000_000_000 + secrets.randbelow(10_000_000_000))
