"""Buyer data and secrets masked in log records, whatever handler writes them.

Masked in the message, its arguments, exception texts and stack traces:

- e-mail addresses, Login with Amazon tokens (`Atzr|...`, `Atza|...`), Restricted Data
  Tokens (`Atz.sprdt|...`) and client secrets
  (`amzn1.oa2-cs.v1....`);
- the values of personal keys (buyerName, name, addressLine1, phone, postalCode...) and of
  secret keys (client_secret, refresh_token...) wherever a JSON document, a dict or a
  dataclass repr shows them;
- while `masking(values)` (or a function decorated `masking_personal_data`) runs, each of
  those values anywhere in the text: the names and streets of the documents being
  processed, inside an exception's free text too.

How it is attached: a logger's filters only see the records made on that very logger, never
those its child loggers propagate. So `mask_loggers(name)` adds the filter to `name` and to
every logger below it that exists (module loggers are made when their module is imported,
before `mask_loggers` runs), and gives `name` a handler that writes nothing but masks each
record propagating through it, in place: a logger made later is covered too, before the
root logger's handlers format the record. Loggers named `unmasked` (the addon's tests) and
those below them are left alone.
"""

import contextlib
import contextvars
import functools
import logging
import re

from .personal_data import personal_values

MASK = "***"
PERSONAL_KEYS = (
    "buyerName",
    "buyerEmail",
    "buyerCompanyName",
    "name",
    "attention",
    "legalName",
    "companyName",
    "company",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "street",
    "street2",
    "streetName",
    "streetNumber",
    "complement",
    "neighborhood",
    "city",
    "municipality",
    "districtOrCounty",
    "postalCode",
    "zip",
    "phone",
    "email",
    "giftMessage",
    "addressInstruction",
    "taxRegistrationNumber",
)
SECRET_KEYS = (
    "client_secret",
    "clientSecret",
    "lwa_client_secret",
    "refresh_token",
    "refreshToken",
    "access_token",
    "accessToken",
    "x-amz-access-token",
    "restrictedDataToken",
    "restricted_data_token",
    "authorization",
    "password",
)
MASKED_MARK = "amazon_data_masked"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Login with Amazon tokens, and Restricted Data Tokens (`Atz.sprdt|...`).
LWA_TOKEN = re.compile(r"\b(Atz[ar]|Atz\.sprdt)\|[^\s\"'&,;)}\]]+")
CLIENT_SECRET = re.compile(r"\b(amzn1\.oa2-cs\.v1\.)[\w-]+")
QUOTED = r"""'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*\""""


def _key_pattern(keys):
    names = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))
    # key, its quotes if any, then ':' (JSON, dict repr) or '=' (dataclass repr, form)
    return rf"""(?<![\w-])["']?(?:{names})["']?\s*[:=]\s*"""


QUOTED_VALUE = re.compile(
    rf"(?P<key>{_key_pattern(PERSONAL_KEYS + SECRET_KEYS)})(?P<value>{QUOTED})", re.IGNORECASE
)
# Secrets also travel unquoted: form bodies (client_secret=...&), HTTP headers.
BARE_SECRET = re.compile(
    rf"(?P<key>{_key_pattern(SECRET_KEYS)})(?P<value>(?:Bearer\s+)?[^\s\"'&,;)}}\]]+)",
    re.IGNORECASE,
)

_known_values = contextvars.ContextVar("amazon_masked_values", default=None)


class _KnownValues:
    """Values to mask wherever they appear, as one case-insensitive pattern."""

    def __init__(self, values):
        self.values = frozenset(values)
        ordered = sorted(self.values, key=len, reverse=True)  # longest first: no partial masks
        self.pattern = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE)


def _mask_quoted(match):
    quote = match["value"][0]
    return f"{match['key']}{quote}{MASK}{quote}"


def mask_text(text, values=()):
    """`text` with its buyer data and secrets masked; `values` are masked too, as are
    those of the active `masking` context."""
    if not text:
        return text
    known = _known_values.get()
    if values:
        extra = {v for v in values if v}
        known = _KnownValues(extra | (known.values if known else set())) if extra else known
    if known:
        text = known.pattern.sub(MASK, text)
    text = QUOTED_VALUE.sub(_mask_quoted, text)
    text = BARE_SECRET.sub(lambda match: f"{match['key']}{MASK}", text)
    text = LWA_TOKEN.sub(rf"\1|{MASK}", text)
    text = CLIENT_SECRET.sub(rf"\1{MASK}", text)
    return EMAIL.sub(f"{MASK}@{MASK}", text)


@contextlib.contextmanager
def masking(values):
    """Mask these values (with those of an enclosing `masking`) in every record logged by
    the masked loggers until the block ends."""
    outer = _known_values.get()
    wanted = {value for value in values if value}
    if outer:
        wanted |= outer.values
    token = _known_values.set(_KnownValues(wanted) if wanted else outer)
    try:
        yield
    finally:
        _known_values.reset(token)


def masking_personal_data(function):
    """While `function` runs, the personal values of its document arguments (dicts, lists
    of them) are masked in the records logged."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        documents = [
            value for value in (*args, *kwargs.values()) if isinstance(value, (dict, list, tuple))
        ]
        with masking(personal_values(documents)):
            return function(*args, **kwargs)

    return wrapper


_FORMATTER = logging.Formatter()


def mask_record(record):
    """Mask a log record in place (once): message and arguments, exception, stack."""
    if getattr(record, MASKED_MARK, False):
        return record
    try:
        message = record.getMessage()
    except (TypeError, ValueError, KeyError):
        # Arguments that do not fit the format: logging would print them raw.
        message = f"{record.msg} {record.args!r}"
    record.msg, record.args = mask_text(str(message)), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = _FORMATTER.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_text(record.exc_text)
        # Formatters print exc_text; handlers reading the exception itself see nothing.
        record.exc_info = None
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
    setattr(record, MASKED_MARK, True)
    return record


class BuyerDataFilter(logging.Filter):
    """Masks every record of the logger it is added to (and lets it through)."""

    def filter(self, record):
        mask_record(record)
        return True


class MaskingHandler(logging.Handler):
    """Writes nothing: masks, in place, each record propagating through its logger (but
    those of the `unmasked` loggers and below), so the handlers of the loggers above it
    only see the masked record."""

    def __init__(self, unmasked=()):
        super().__init__()
        self.unmasked = tuple(unmasked)

    def handle(self, record):
        if not _is_below(record.name, self.unmasked):
            mask_record(record)
        return True

    def emit(self, record):
        self.handle(record)


def _is_below(logger_name, names):
    return any(logger_name == name or logger_name.startswith(f"{name}.") for name in names)


_FILTER = BuyerDataFilter()


def mask_loggers(*names, unmasked=()):
    """Mask the records of the loggers `names` and of every logger below them, but the
    `unmasked` ones and below (see the module's docstring for how). Calling it again
    changes nothing."""
    for name in names:
        top = logging.getLogger(name)
        if not any(isinstance(handler, MaskingHandler) for handler in top.handlers):
            top.addHandler(MaskingHandler(unmasked))
        for logger_name, logger in list(logging.Logger.manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger):
                continue  # a placeholder: no logger of that name exists yet
            if not _is_below(logger_name, [name]) or _is_below(logger_name, unmasked):
                continue
            if not any(isinstance(item, BuyerDataFilter) for item in logger.filters):
                logger.addFilter(_FILTER)
