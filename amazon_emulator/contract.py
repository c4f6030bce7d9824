"""Contract checks against Amazon's published SP-API models (Swagger 2.0), with bravado-core.

The models are never copied into the repository: they are read at run time from the
directory `find_models_dir()` finds. Loading a model is slow (about a second), so each file
is loaded once per process and shared by every `ContractValidator`.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import re
import threading
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

with warnings.catch_warnings():
    # bravado-core still imports jsonschema's deprecated RefResolver.
    warnings.simplefilter("ignore", DeprecationWarning)
    from bravado_core.exception import SwaggerValidationError
    from bravado_core.spec import Spec
    from bravado_core.swagger20_validator import get_validator_type
    from swagger_spec_validator.common import SwaggerValidationWarning

_log = logging.getLogger("amazon_emulator")

MODELS_ENV_VAR = "AMAZON_MODELS_DIR"
# Where an operationId is in several models (v0 and 2026-01-01 both have `getOrder`), the
# model listed first answers for it by name; requests are matched by method and path.
MODEL_FILES = {
    "orders": "models/orders-api-model/orders_2026-01-01.json",
    "sellers": "models/sellers-api-model/sellers.json",
    "ordersV0": "models/orders-api-model/ordersV0.json",
    "feeds": "models/feeds-api-model/feeds_2021-06-30.json",
    "listingsItems": "models/listings-items-api-model/listingsItems_2021-08-01.json",
    "reports": "models/reports-api-model/reports_2021-06-30.json",
    "financesV0": "models/finances-api-model/financesV0.json",
    "vendorOrders": "models/vendor-orders-api-model/vendorOrders.json",
    "vendorTransactionStatus": (
        "models/vendor-transaction-status-api-model/vendorTransactionStatus.json"
    ),
    "vendorShipments": "models/vendor-shipments-api-model/vendorShipments.json",
    "vendorInvoices": "models/vendor-invoices-api-model/vendorInvoices.json",
    "vendorDirectFulfillmentOrders": (
        "models/vendor-direct-fulfillment-orders-api-model/"
        "vendorDirectFulfillmentOrders_2021-12-28.json"
    ),
    "vendorDirectFulfillmentShipping": (
        "models/vendor-direct-fulfillment-shipping-api-model/"
        "vendorDirectFulfillmentShipping_2021-12-28.json"
    ),
    "vendorDirectFulfillmentTransactions": (
        "models/vendor-direct-fulfillment-transactions-api-model/"
        "vendorDirectFulfillmentTransactions_2021-12-28.json"
    ),
    "vendorDirectFulfillmentPayments": (
        "models/vendor-direct-fulfillment-payments-api-model/vendorDirectFulfillmentPaymentsV1.json"
    ),
    "vendorDirectFulfillmentInventory": (
        "models/vendor-direct-fulfillment-inventory-api-model/"
        "vendorDirectFulfillmentInventoryV1.json"
    ),
    "tokens": "models/tokens-api-model/tokens_2021-03-01.json",
}
# The emulator's names of operations whose operationId a model listed before theirs has too
# (Vendor Direct Fulfillment's getOrders, getOrder and submitAcknowledgement): name ->
# (model, operationId). Usage plans, faults and recorded requests use these names.
OPERATION_ALIASES = {
    "dfGetOrders": ("vendorDirectFulfillmentOrders", "getOrders"),
    "dfGetOrder": ("vendorDirectFulfillmentOrders", "getOrder"),
    "dfSubmitAcknowledgement": ("vendorDirectFulfillmentOrders", "submitAcknowledgement"),
}
# Models whose query date-times Amazon also reads without a UTC offset, as UTC: Amazon's own
# sandbox requests of the Vendor Orders model send `createdAfter=2019-08-20T14:00:00`.
OFFSETLESS_DATE_TIME_MODELS = frozenset({"vendorOrders", "vendorShipments"})
# Models whose body date-times (requests and responses) may come without offset, as UTC:
# the Vendor Shipments model's examples and Amazon's SubmitShipments tutorial send
# `"transactionDate": "2019-08-07T19:56:45.632"`.
OFFSETLESS_BODY_DATE_TIME_MODELS = frozenset({"vendorShipments"})
_LOCAL_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")
MODELS_MISSING_WARNING = (
    "amazon_emulator: Amazon API models not found (set AMAZON_MODELS_DIR); "
    "contract checks are SKIPPED"
)

# Decimal amounts are strings that "follow RFC 7159 for number representation".
_RFC7159_NUMBER = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
_COLLECTION_SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}
_NON_SCHEMA_PARAM_KEYS = {"name", "in", "required", "description", "x-example"}
_SPEC_CONFIG = {"use_models": False}


def default_models_dir() -> Path:
    """`<repo root>/../shared/amazon-models`, the repo root being this package's parent."""
    return Path(__file__).resolve().parent.parent.parent / "shared" / "amazon-models"


def find_models_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """The models directory: `explicit`, else $AMAZON_MODELS_DIR, else the default.

    The first of these that is given decides; None when it does not hold the models.
    """
    if explicit is not None:
        candidate = Path(explicit)
    elif os.environ.get(MODELS_ENV_VAR):
        candidate = Path(os.environ[MODELS_ENV_VAR])
    else:
        candidate = default_models_dir()
    if all((candidate / relative).is_file() for relative in MODEL_FILES.values()):
        return candidate.resolve()
    return None


def load_contract_validator(models_dir: str | os.PathLike | None = None):
    """A `ContractValidator`, or None (after one warning per process) without the models."""
    found = find_models_dir(models_dir)
    if found is not None:
        return ContractValidator(found)
    _warn_models_missing()
    return None


@functools.cache
def _warn_models_missing() -> None:
    """Warns once per process, however many emulators start."""
    _log.warning(MODELS_MISSING_WARNING)


@dataclass(frozen=True)
class ContractOperation:
    """One operation of a model: `GET /orders/2026-01-01/orders/{orderId}` is `getOrder`."""

    operation_id: str
    method: str
    path_template: str
    model: str

    @property
    def _pattern(self) -> re.Pattern:
        return _template_pattern(self.path_template)

    def path_params(self, path: str) -> dict[str, str] | None:
        match = self._pattern.match(path)
        return match.groupdict() if match else None

    @property
    def is_templated(self) -> bool:
        return "{" in self.path_template


@functools.cache
def _template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{([^}]+)\}", template)
    regex = "".join(
        f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


class _SchemaChecker:
    """jsonschema validation with bravado-core's Swagger 2.0 rules, for one spec."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self._validator_class = get_validator_type(spec)

    def problems(self, schema: dict, value, where: str, name_undeclared: bool = False):
        """One message per problem; with `name_undeclared`, one per undeclared property,
        naming it by its path ("packageDetail.trackingNumbr")."""
        validator = self._validator_class(
            schema, format_checker=self.spec.format_checker, resolver=self.spec.resolver
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        messages = []
        for error in errors:
            if name_undeclared and _is_undeclared_property_error(error):
                messages += [
                    f"{where}: property {_dotted_path([*error.absolute_path, name])!r} "
                    "is not defined by the model"
                    for name in _undeclared_properties(error.schema, error.instance)
                ]
            else:
                messages.append(f"{where}{_json_path(error.absolute_path)}: {error.message}")
        return messages


def _is_undeclared_property_error(error) -> bool:
    return error.validator == "additionalProperties" and error.validator_value is False


def _undeclared_properties(schema: dict, instance: dict) -> list[str]:
    declared = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [
        name
        for name in instance
        if name not in declared and not any(re.search(pattern, name) for pattern in patterns)
    ]


def _dotted_path(parts: Iterable) -> str:
    rendered = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return rendered.lstrip(".")


def _json_path(parts: Iterable) -> str:
    rendered = _dotted_path(parts)
    return f" at {rendered}" if rendered else ""


class _LoadedModel:
    """A model file as two bravado specs: as published, and a strict copy (see `_strict_copy`)
    that checks requests and responses."""

    def __init__(self, name: str, path: Path):
        spec_dict = json.loads(path.read_text(encoding="utf-8"))
        self.name = name
        self.spec = _build_spec(spec_dict, path)
        self.checker = _SchemaChecker(self.spec)
        self.strict_spec = _build_spec(_strict_copy(spec_dict), path, validate_spec=False)
        if name in OFFSETLESS_BODY_DATE_TIME_MODELS:
            _accept_offsetless_date_times(self.strict_spec)
        self.strict_checker = _SchemaChecker(self.strict_spec)
        self.operations = [
            ContractOperation(op["operationId"], method.upper(), template, name)
            for template, path_item in spec_dict["paths"].items()
            for method, op in path_item.items()
            if isinstance(op, dict) and "operationId" in op
        ]

    def operation_spec(self, operation: ContractOperation) -> dict:
        return self.spec.spec_dict["paths"][operation.path_template][operation.method.lower()]

    def request_params(self, operation: ContractOperation) -> list[dict]:
        """The operation's parameters, from the strict copy (a body's inline object schemas
        forbid undeclared properties too): path-level parameters overridden by the
        operation's own, by (location, name)."""
        path_item = self.strict_spec.spec_dict["paths"][operation.path_template]
        declared = [
            *path_item.get("parameters", []),
            *path_item[operation.method.lower()].get("parameters", []),
        ]
        params = {(p["in"], p["name"]): p for p in map(self.strict_spec.deref, declared)}
        return list(params.values())


def _build_spec(spec_dict: dict, path: Path, validate_spec: bool = True) -> Spec:
    config = dict(_SPEC_CONFIG, validate_swagger_spec=validate_spec)
    origin = path.as_uri()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        # The Vendor Invoices model gives its body schema's $ref an example beside it.
        warnings.simplefilter("ignore", SwaggerValidationWarning)
        try:
            return Spec.from_dict(spec_dict, origin_url=origin, config=config)
        except SwaggerValidationError:
            # Some of Amazon's models do not pass the Swagger 2.0 meta-validation.
            config["validate_swagger_spec"] = False
            return Spec.from_dict(spec_dict, origin_url=origin, config=config)


def _accept_offsetless_date_times(spec: Spec) -> None:
    """The spec's date-time format also takes a date-time without offset (as UTC)."""
    checker = spec.format_checker
    check, raises = checker.checkers["date-time"]

    def date_time(value) -> bool:
        if isinstance(value, str) and _LOCAL_DATE_TIME.match(value):
            value += "Z"
        return check(value)

    checker.checkers["date-time"] = (date_time, raises)


def _strict_copy(spec_dict: dict) -> dict:
    """The model with undeclared properties forbidden and Decimal amounts checked.

    The emulator must serve nothing Amazon does not define, and must refuse what Amazon would
    not understand (a misspelled optional field is silently ignored by Amazon, and lost): so
    every object schema that declares its properties gets `additionalProperties: false`,
    unless the model declares `additionalProperties` itself (free-form objects such as
    listings patch values, or report options, keep what the model says). The examples are
    left as published.
    """
    strict = copy.deepcopy(spec_dict)
    _forbid_additional_properties(strict)
    decimal = strict.get("definitions", {}).get("Decimal")
    if decimal and decimal.get("type") == "string":
        decimal.setdefault("pattern", _RFC7159_NUMBER)
    return strict


def _forbid_additional_properties(node) -> None:
    if isinstance(node, list):
        for item in node:
            _forbid_additional_properties(item)
    elif isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            node.setdefault("additionalProperties", False)
        for key, value in node.items():
            if key not in ("examples", "example", "x-amzn-api-sandbox"):
                _forbid_additional_properties(value)


_model_cache: dict[Path, _LoadedModel] = {}
_model_cache_lock = threading.Lock()


def _load_model(name: str, path: Path) -> _LoadedModel:
    with _model_cache_lock:
        if path not in _model_cache:
            _model_cache[path] = _LoadedModel(name, path)
        return _model_cache[path]


class ContractValidator:
    """Checks requests and responses against Amazon's models in `models_dir`."""

    def __init__(self, models_dir: str | os.PathLike, models: Mapping[str, str] | None = None):
        """`models`: name -> file under `models_dir`; by default `MODEL_FILES`."""
        self.models_dir = Path(models_dir)
        self._model_files = dict(models or MODEL_FILES)
        self._models: dict[str, _LoadedModel] | None = None
        self._lock = threading.Lock()

    def load(self) -> ContractValidator:
        """Load the model files now instead of on first use."""
        self._loaded()
        return self

    def _loaded(self) -> dict[str, _LoadedModel]:
        with self._lock:
            if self._models is None:
                self._models = {
                    name: _load_model(name, (self.models_dir / relative).resolve())
                    for name, relative in self._model_files.items()
                }
            return self._models

    @property
    def operations(self) -> list[ContractOperation]:
        return [op for model in self._loaded().values() for op in model.operations]

    def operation(self, operation_id: str) -> ContractOperation | None:
        """The operation of that operationId (the model listed first), or of that emulator
        name (`OPERATION_ALIASES`)."""
        model, operation_id = OPERATION_ALIASES.get(operation_id, (None, operation_id))
        candidates = self.operations if model is None else self._model_operations(model)
        return next((op for op in candidates if op.operation_id == operation_id), None)

    def _model_operations(self, model: str) -> list[ContractOperation]:
        loaded = self._loaded().get(model)
        return loaded.operations if loaded else []

    def match(self, method: str, path: str) -> ContractOperation | None:
        """The operation serving `method path`; literal paths win over templated ones."""
        candidates = [
            op
            for op in self.operations
            if op.method == method.upper() and op.path_params(path) is not None
        ]
        return min(candidates, key=lambda op: op.is_templated, default=None)

    # Requests

    def validate_request(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> list[str]:
        """Problems of a request, checked strictly: a query parameter, or a body property
        (at any depth), that the model does not declare is a problem (see `_strict_copy`)."""
        operation = self.match(method, path)
        if operation is None:
            return [f"{method.upper()} {path}: no such operation in Amazon's models"]
        model = self._loaded()[operation.model]
        params = model.request_params(operation)
        sent = {
            "path": operation.path_params(path),
            "query": query,
            "header": {name.lower(): value for name, value in (headers or {}).items()},
            "body": {"body": body} if body else {},
        }
        problems = [
            f"{operation.operation_id} request: query parameter {name!r} is not defined "
            "by the model"
            for name in query
            if not any(p["in"] == "query" and p["name"] == name for p in params)
        ]
        if body and not any(p["in"] == "body" for p in params):
            problems.append(
                f"{operation.operation_id} request: a body is sent, but the model defines none"
            )
        for param in params:
            raw = _sent_value(param, sent)
            problems += _param_problems(model.strict_checker, operation, param, raw)
        return problems

    # Responses

    def validate_response(
        self,
        operation: ContractOperation | str,
        status: int,
        body_json,
        headers: Mapping[str, str] | None = None,
    ) -> list[str]:
        """Problems of a response the emulator serves, checked strictly (see `_strict_copy`).

        `body_json` is the parsed JSON body, or None when the body is not JSON.
        """
        if isinstance(operation, str):
            operation = self._require_operation(operation)
        model = self._loaded()[operation.model]
        responses = model.operation_spec(operation).get("responses", {})
        response_spec = model.spec.deref(responses.get(str(status), responses.get("default")))
        where = f"{operation.operation_id} response {status}"
        if response_spec is None:
            return [f"{where}: status {status} is not defined by the model"]
        header_names = {name.lower() for name in (headers or {})}
        problems = [
            f"{where}: header {name!r} is missing"
            for name in response_spec.get("headers", {})
            if name.lower() not in header_names
        ]
        schema = response_spec.get("schema")
        if schema is None:
            return problems
        if body_json is None:
            return [*problems, f"{where}: body is not JSON"]
        return problems + model.strict_checker.problems(schema, body_json, f"{where} body")

    def validate_definition(self, model: str, definition: str, value, strict: bool = True):
        """Problems of `value` against `#/definitions/<definition>` of a model ("orders")."""
        loaded = self._loaded()[model]
        checker = loaded.strict_checker if strict else loaded.checker
        return checker.problems({"$ref": f"#/definitions/{definition}"}, value, definition)

    def _require_operation(self, operation_id: str) -> ContractOperation:
        operation = self.operation(operation_id)
        if operation is None:
            raise KeyError(f"no operation {operation_id!r} in the loaded models")
        return operation


def _param_problems(checker: _SchemaChecker, operation, param: dict, raw) -> list[str]:
    where = f"{operation.operation_id} request: {param['in']} parameter {param['name']!r}"
    if raw is None:
        return [f"{where} is required"] if param.get("required") else []
    if param["in"] == "body":
        return _body_problems(checker, param, raw, where)
    offsetless = param.get("format") == "date-time" and operation.model in (
        OFFSETLESS_DATE_TIME_MODELS
    )
    if isinstance(raw, list) and param.get("collectionFormat") != "multi":
        if len(raw) > 1:
            repeated = f"{where} is given {len(raw)} times; arrays are sent once"
            return [f"{repeated}, comma-separated (collectionFormat csv)"]
        raw = raw[0]
    value, problem = _cast_param(param, raw)
    if problem:
        return [f"{where}: {problem}"]
    if offsetless and isinstance(value, str) and _LOCAL_DATE_TIME.match(value):
        value += "Z"
    schema = {k: v for k, v in param.items() if k not in _NON_SCHEMA_PARAM_KEYS}
    return checker.problems(schema, value, where)


def _sent_value(param: dict, sent: dict[str, Mapping]):
    """The raw value sent for `param`, None when absent; `sent` is keyed by location."""
    location = param["in"]
    key = {"header": param["name"].lower(), "body": "body"}.get(location, param["name"])
    return sent.get(location, {}).get(key)


def _body_problems(checker: _SchemaChecker, param: dict, raw: bytes, where: str) -> list[str]:
    try:
        value = json.loads(raw)
    except ValueError:
        return [f"{where} is not valid JSON"]
    return checker.problems(param.get("schema", {}), value, where, name_undeclared=True)


def _cast_param(param: dict, raw: str):
    """Turn a raw string parameter into the JSON value its schema describes."""
    if param.get("type") == "array":
        separator = _COLLECTION_SEPARATORS.get(param.get("collectionFormat", "csv"), ",")
        items = raw if isinstance(raw, list) else raw.split(separator)
        cast = [_cast_scalar(param.get("items", {}).get("type"), item) for item in items]
        problem = next((problem for _, problem in cast if problem), None)
        return [value for value, _ in cast], problem and f"item {problem}"
    return _cast_scalar(param.get("type"), raw)


def _cast_scalar(param_type: str | None, raw: str):
    try:
        if param_type == "integer":
            return int(raw), None
        if param_type == "number":
            return float(raw), None
    except ValueError:
        return None, f"{raw!r} is not a valid {param_type}"
    if param_type == "boolean":
        if raw in ("true", "false"):
            return raw == "true", None
        return None, f"{raw!r} is not a valid boolean"
    return raw, None
