"""Typed errors of the Amazon client.

Every message is meant for a person (an administrator reading the account's last error, or a
log line): it never carries a secret, a token or buyer data.
"""


class AmazonError(Exception):
    """Base of every error raised by the Amazon client."""

    def __init__(self, message, *, operation=None, status=None, code=None, request_id=None):
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.status = status
        self.code = code
        self.request_id = request_id

    def __str__(self):
        parts = [self.message]
        if self.operation:
            parts.append(f"operation {self.operation}")
        if self.status:
            parts.append(f"HTTP {self.status}")
        if self.code:
            parts.append(f"code {self.code}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return " | ".join(parts)


class AmazonAuthError(AmazonError):
    """Credentials refused (Login with Amazon or the SP-API): a person must fix them."""


class AmazonRestrictedDataError(AmazonAuthError):
    """Amazon refused a Restricted Data Token (the access token of operations that return
    buyer data, such as the direct fulfillment orders): the application lacks the role the
    data needs in the selling partner's authorisation; the message names the role."""


class AmazonThrottledError(AmazonError):
    """Amazon (or our own rate limiter) says: not now. Retry after `retry_after` seconds."""

    def __init__(self, message, *, retry_after, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def __str__(self):
        return f"{super().__str__()} | retry after {self.retry_after:.1f}s"


class AmazonTransportError(AmazonError):
    """The request did not get an HTTP answer: connection refused, DNS, TLS, timeout."""


class AmazonTimeoutError(AmazonTransportError):
    """No complete answer within the client's timeout."""


class AmazonServerError(AmazonError):
    """Amazon answered 5xx (often with an HTML page rather than JSON)."""


class AmazonInvalidResponseError(AmazonError):
    """Amazon answered, but the body is not the JSON document the operation promises."""


class AmazonRequestError(AmazonError):
    """Amazon rejected the request itself (HTTP 400, 404, 413, 415...)."""


class EgressBlockedError(AmazonTransportError):
    """A request to a host outside loopback while outside traffic is forbidden (tests)."""
