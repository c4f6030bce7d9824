"""Amazon Selling Partner API: the client (layer 1) and documents (layer 2).

Plain Python with no ORM: importable and testable without Odoo.
"""

from .client import (
    REGION_ENDPOINTS,
    AccountCredentials,
    AmazonClient,
    amazon_timestamp,
    financial_events_window,
)
from .errors import (
    AmazonAuthError,
    AmazonError,
    AmazonInvalidResponseError,
    AmazonRequestError,
    AmazonRestrictedDataError,
    AmazonServerError,
    AmazonThrottledError,
    AmazonTimeoutError,
    AmazonTransportError,
    EgressBlockedError,
)
from .log_masking import mask_loggers
from .pagination import Page, iter_pages
from .rate_limit import SHARED_RATE_LIMITER, RateLimiter
from .tokens import SHARED_TOKEN_CACHE, TokenCache

__all__ = [
    "REGION_ENDPOINTS",
    "SHARED_RATE_LIMITER",
    "SHARED_TOKEN_CACHE",
    "AccountCredentials",
    "AmazonAuthError",
    "AmazonClient",
    "AmazonError",
    "AmazonInvalidResponseError",
    "AmazonRequestError",
    "AmazonRestrictedDataError",
    "AmazonServerError",
    "AmazonThrottledError",
    "AmazonTimeoutError",
    "AmazonTransportError",
    "EgressBlockedError",
    "Page",
    "RateLimiter",
    "TokenCache",
    "amazon_timestamp",
    "financial_events_window",
    "iter_pages",
]

# Neither this package's records nor those of the library under the client (which logs
# request headers and Amazon's answers at DEBUG) may carry buyer data or secrets.
mask_loggers(__name__, "sp_api")
