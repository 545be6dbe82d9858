"""Load and check our OpenAPI documents and compile one Operation (with its validators) per operationId."""

import copy
import functools
import re
import threading
from datetime import datetime, timezone

import jsonschema_rs
import yaml

from sandbox.core import parsed
from sandbox.core.coercion import coerce_scalars, number
from sandbox.core.errors import BadRequest

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORM = "application/x-www-form-urlencoded"
# Headers OpenAPI says are never described as parameters.
_RESERVED_HEADERS = {"accept", "content-type", "authorization"}
# A 400 names at most _NAMED problems, and echoes at most _ECHO characters of each (a value can be a megabyte).
_NAMED = 20
_ECHO = 300
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|z|[+-]\d{2}:?\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SpecError(Exception):
    """A spec that cannot be served; the message names the file and the fault."""


class _SpecLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):
    """YAML loader that keeps timestamps as strings, as JSON would."""


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text):
    """Parse YAML the way our specs and fixtures expect (timestamps stay strings)."""
    return yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - a safe loader subclass


def is_date_time(value):
    """Lenient date-time: RFC 3339, plus Toast's `+0000` offsets and millisecond precision."""
    if not _DATE_TIME.match(value):
        return False
    text = value.replace("z", "Z").replace("Z", "+00:00")
    if text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        datetime.fromisoformat(text).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return False
    return True


def is_date(value):
    """A calendar date, yyyy-MM-dd."""
    if not _DATE.match(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


FORMATS = {"date-time": is_date_time, "date": is_date}


class _WholeNumber:
    """The `x-whole-number` keyword of request schemas: JSON Schema counts 2.0 as an integer, but clients decoding
    our answers into integer types would fail on it, so an integer field takes no fraction part, not even `.0`."""

    def __init__(self, parent_schema, value, schema_path):
        self.active = bool(value)

    def validate(self, instance):
        if self.active and isinstance(instance, float):
            raise ValueError(f"{instance!r} is not an integer: write it without a fraction part")


def compile_schema(schema, components):
    """A compiled validator for `schema` whose `#/components/...` references resolve in `components`."""
    root = dict(schema)
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    root["components"] = components
    return jsonschema_rs.validator_for(root, formats=FORMATS, validate_formats=True,
                                       keywords={"x-whole-number": _WholeNumber})


def field_path(parts):
    """`['checks', 0, 'quantity']` -> `checks[0].quantity`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _specific(error):
    """The errors that explain a failed `anyOf`/`oneOf`: when only one branch is not a plain type mismatch (as with
    `anyOf: [{$ref: X}, {type: 'null'}]`), that branch's errors say more than "not valid under any schema"."""
    kind = error.kind
    branches = getattr(kind, "context", None)
    either = (jsonschema_rs.ValidationErrorKind.AnyOf, jsonschema_rs.ValidationErrorKind.OneOfNotValid)
    if not isinstance(kind, either) or not branches:
        return [error]
    telling = [branch for branch in branches
               if not (len(branch) == 1 and isinstance(branch[0].kind, jsonschema_rs.ValidationErrorKind.Type)
                       and list(branch[0].instance_path) == list(error.instance_path))]
    if len(telling) != 1:
        return [error]
    return [specific for sub in telling[0] for specific in _specific(sub)]


def _own_message(name, messages):
    """The provider's own sentence for a missing field (`messages` maps field-path endings to sentences)."""
    return next((text for ending, text in messages.items() if name == ending or name.endswith(f".{ending}")), None)


def collect_errors(validator, instance, messages=None):
    """Every validation error as `(field path, sentence)`, in document order; `messages` gives the provider's own
    sentences for missing fields."""
    problems = []
    for error in (specific for top in validator.iter_errors(instance) for specific in _specific(top)):
        path = list(error.instance_path)
        missing = getattr(error.kind, "property", None)
        if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Required) and missing is not None:
            path.append(missing)
            name = field_path(path)
            problems.append((name, _own_message(name, messages or {}) or f"{name} is required"))
        else:
            name = field_path(path)
            problems.append((name, f"{name}: {_said(error)}" if name else _said(error)))
    return problems


def _said(error):
    return error.message if len(error.message) <= _ECHO else f"{error.message[:_ECHO]}..."


def raise_invalid(problems, own=()):
    """Turn collected `(field, sentence)` problems into one 400 that names every field; when every sentence is one
    of the provider's `own`, they are the message as they stand and each is listed in `errors`."""
    more = len(problems) - _NAMED
    problems = problems[:_NAMED]
    text = "; ".join(sentence for _, sentence in problems) + (f"; and {more} more" if more > 0 else "")
    sub = [BadRequest(sentence, field=name or None) for name, sentence in problems]
    plain = all(sentence in own for _, sentence in problems)
    raise BadRequest(text if plain else f"Invalid request: {text}", field=problems[0][0] or None,
                     errors=sub if len(sub) > 1 or plain else ())


def _request_view(node, components):
    """Copy of a schema tree in which read-only properties are no longer required and integers take no `.0`."""
    if isinstance(node, list):
        return [_request_view(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    view = {key: _request_view(value, components) for key, value in node.items()}
    if "integer" in (node.get("type") if isinstance(node.get("type"), list) else [node.get("type")]):
        view["x-whole-number"] = True
    if "required" in view:
        read_only = _read_only_names(node, components)
        if read_only:
            view["required"] = [name for name in view["required"] if name not in read_only]
    for member in view.get("allOf", ()):
        if isinstance(member, dict) and "required" in member:
            read_only = _read_only_names(node, components)
            member["required"] = [name for name in member["required"] if name not in read_only]
    return view


def _resolve(node, components):
    ref = node.get("$ref") if isinstance(node, dict) else None
    if ref and ref.startswith("#/components/"):
        section, name = ref[len("#/components/"):].split("/", 1)
        return components.get(section, {}).get(name, {})
    return node


def _read_only_names(node, components, seen=None):
    seen = seen if seen is not None else set()
    if id(node) in seen:
        return set()
    seen.add(id(node))
    names = {name for name, prop in node.get("properties", {}).items()
             if _resolve(prop, components).get("readOnly")}
    for member in node.get("allOf", ()):
        names |= _read_only_names(_resolve(member, components), components, seen)
    return names


def _coerce(raw, schema):
    """Turn a query/path/header string into the type its schema asks for; leave it when it does not parse."""
    types = schema.get("type", "string")
    types = [types] if isinstance(types, str) else [t for t in types if t != "null"]
    kind = types[0] if types else "string"
    if kind in ("integer", "number"):
        value = number(raw, kind)
        return raw if value is None else value
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


class Parameter:
    """One path, query or header parameter and its schema."""

    def __init__(self, raw, components):
        self.name = raw["name"]
        self.location = raw["in"]
        self.required = bool(raw.get("required", self.location == "path"))
        self.schema = _resolve(raw.get("schema", {}), components)

    @property
    def is_array(self):
        types = self.schema.get("type")
        return types == "array" or (isinstance(types, list) and "array" in types)

    def read(self, path_params, args, headers):
        """The raw value from the request, or None when it was not sent."""
        if self.location == "path":
            return path_params.get(self.name)
        if self.location == "header":
            return headers.get(self.name)
        if self.is_array:
            values = args.getlist(self.name)
            return values or None
        return args.get(self.name)

    def coerce(self, raw):
        if isinstance(raw, list):
            return [_coerce(item, self.schema.get("items", {})) for item in raw]
        return _coerce(raw, self.schema)


class Operation:
    """One operation of a spec: its route, parameters, body and response schemas, security and handler name."""

    def __init__(self, spec, path, method, raw, path_item):
        self.spec = spec
        self.path = path
        self.method = method.upper()
        self.raw = raw
        self.operation_id = raw.get("operationId")
        if not self.operation_id:
            raise SpecError(f"{spec.name}: {self.method} {path} has no operationId")
        # A path item may name its own server (OpenAPI allows it): the control API's `/` lives outside /_sandbox.
        servers = path_item.get("servers")
        self.server_base = servers[0]["url"].rstrip("/") if servers else None
        self.full_path = (spec.base_path if self.server_base is None else self.server_base) + path
        components = spec.components
        merged = {(p["name"], p["in"]): p for p in map(lambda p: _resolve(p, components),
                                                        path_item.get("parameters", []))}
        merged.update({(p["name"], p["in"]): p for p in map(lambda p: _resolve(p, components),
                                                             raw.get("parameters", []))})
        self.parameters = [Parameter(p, components) for p in merged.values()
                           if not (p["in"] == "header" and p["name"].lower() in _RESERVED_HEADERS)]
        declared = {p.name for p in self.parameters if p.location == "path"}
        templated = set(re.findall(r"{([^}]+)}", path))
        if declared != templated:
            raise SpecError(f"{spec.name}: {self.method} {path} declares path parameters {sorted(declared)}, "
                            f"the path has {sorted(templated)}")
        self.security = raw.get("security", spec.doc.get("security", []))
        self._param_validator = compile_schema({
            "type": "object",
            "properties": {p.name: p.schema for p in self.parameters},
            "required": [p.name for p in self.parameters if p.required],
        }, spec.request_components)
        body = _resolve(raw.get("requestBody"), components) if raw.get("requestBody") else None
        self.has_body = body is not None
        self.body_required = bool(body and body.get("required"))
        content = (body or {}).get("content", {})
        # A form body (the legacy login's) is taken only where the operation declares no JSON body.
        self.form_body = FORM in content and "application/json" not in content
        body_schema = content.get(FORM if self.form_body else "application/json", {}).get("schema")
        self._body_validator = (compile_schema(_request_view(body_schema, components), spec.request_components)
                                if body_schema is not None else None)
        self._response_validators = {}
        self._response_lock = threading.Lock()

    @property
    def flask_rule(self):
        return re.sub(r"{([^}]+)}", r"<\1>", self.full_path)

    @functools.cached_property
    def parameter_names(self):
        return frozenset(p.name for p in self.parameters)

    @functools.cached_property
    def scopes_any_of(self):
        """The security requirements as a list of scope sets; meeting any one of them is enough."""
        return [set(scopes) for requirement in self.security for scopes in requirement.values()]

    def extension(self, name, default=None):
        return self.raw.get(name, default)

    def parse_parameters(self, path_params, args, headers):
        """Read, coerce and validate every parameter; 400 naming each bad one."""
        values = {}
        for parameter in self.parameters:
            raw = parameter.read(path_params, args, headers)
            if raw is not None:
                values[parameter.name] = parameter.coerce(raw)
        if not self._param_validator.is_valid(values):
            locations = {p.name: p.location for p in self.parameters}
            problems = []
            for error in self._param_validator.iter_errors(values):
                path = list(error.instance_path)
                missing = getattr(error.kind, "property", None)
                name = str(path[0]) if path else missing
                where = f"{locations.get(name, 'query')} parameter {name}"
                problems.append((name, f"{where} is required" if not path else f"{where}: {_said(error)}"))
            raise_invalid(problems)
        return values

    def validate_body(self, body):
        """Check a parsed JSON body against the request view of the schema; 400 naming every bad field."""
        if self._body_validator is None or self._body_validator.is_valid(body):
            return
        if self.spec.coerce_scalars and coerce_scalars(self._body_validator, body):
            return
        messages = self.spec.required_messages
        raise_invalid(collect_errors(self._body_validator, body, messages), set(messages.values()))

    def response_problems(self, status, body):
        """What is wrong with a response body for `status`, as `(field, message)` pairs (empty if it conforms)."""
        validator = self._response_validator(status)
        if validator is None:
            return [("", f"status {status} is not declared for {self.operation_id}")]
        if validator is True:
            return []
        return collect_errors(validator, body) if not validator.is_valid(body) else []

    def _response_validator(self, status):
        key = str(status)
        if key not in self._response_validators:
            with self._response_lock:
                responses = self.raw.get("responses", {})
                response = responses.get(key) or responses.get(f"{key[0]}XX") or responses.get("default")
                if response is None:
                    validator = None
                else:
                    response = _resolve(response, self.spec.components)
                    schema = response.get("content", {}).get("application/json", {}).get("schema")
                    validator = compile_schema(schema, self.spec.components) if schema is not None else True
                self._response_validators[key] = validator
        return self._response_validators[key]


class Spec:
    """One OpenAPI document, checked and compiled."""

    def __init__(self, name, text):
        self.name = name
        try:
            self.doc = parsed.parse(text, load_yaml)
        except yaml.YAMLError as exc:
            raise SpecError(f"{name}: not valid YAML: {exc}") from exc
        if not isinstance(self.doc, dict) or not str(self.doc.get("openapi", "")).startswith("3.1"):
            raise SpecError(f"{name}: expected an OpenAPI 3.1 document")
        servers = self.doc.get("servers") or [{}]
        self.base_path = servers[0].get("url", "").rstrip("/")
        if not self.base_path.startswith("/"):
            raise SpecError(f"{name}: servers[0].url must be a base path such as /orders/v2")
        self.components = self.doc.get("components", {})
        # Provider habits a spec can declare: lenient scalars (Jackson) and its own sentences for missing fields.
        self.coerce_scalars = bool(self.doc.get("x-sandbox-coerce-scalars"))
        self.required_messages = self.doc.get("x-sandbox-required-messages") or {}
        self.request_components = _request_view(copy.deepcopy(self.components), self.components)
        self.operations = []
        for path, path_item in (self.doc.get("paths") or {}).items():
            for method in METHODS:
                if method in path_item:
                    try:
                        self.operations.append(Operation(self, path, method, path_item[method], path_item))
                    except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as exc:
                        raise SpecError(f"{name}: {method.upper()} {path}: {exc}") from exc
        # Where the document serves: its base path and the base paths its path items name (errors on unknown
        # methods under them take this provider's shape).
        self.base_paths = [self.base_path] + sorted({op.server_base for op in self.operations if op.server_base})
        ids = [op.operation_id for op in self.operations]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise SpecError(f"{name}: duplicate operationId {duplicates}")
