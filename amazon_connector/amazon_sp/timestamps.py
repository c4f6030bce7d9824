"""Date-times as Amazon's parameters take them."""

from datetime import timezone


def aware_utc(moment):
    """The moment in aware UTC; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def amazon_timestamp(value):
    """ISO 8601 in UTC with a Z, as Amazon's date-time parameters expect."""
    if value is None or isinstance(value, str):
        return value
    return aware_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
