"""Settings: built-in defaults <- config file <- SANDBOX_* environment <- command-line flags or factory mapping."""

import difflib
import os
from dataclasses import dataclass, field, fields

import yaml
from marshmallow import EXCLUDE, Schema, ValidationError, fields as mf, post_load, validate

from sandbox.core.clock import parse_instant
from sandbox.core.openapi import load_yaml


LIST_SETTINGS = ("scenarios", "allowed_hosts", "webhook_hosts")


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 64
    seed: int = 1
    fixtures: str = "default.yaml"
    history_days: int = None
    start_time: str = None
    frozen: bool = False
    strict: bool = False
    max_body_bytes: int = 1024 * 1024
    max_import_bytes: int = 256 * 1024 * 1024
    body_timeout: float = 10.0
    snapshot_limit: int = 100
    world_file: str = None
    token_lifetime: int = 86400
    connection_delay: int = 0
    toast_duplicate_external_id: str = "reject"
    toast_guest_data_without_scope: str = field(default="omit", metadata={
        "doc": "what a client without guest.pi:read sees of a check's guest: `omit` (no customer and no "
               "curbsidePickupInfo, as the developer guide says) or `contact` (the customer without e-mail and "
               "phone, as the spec's scope description reads)"})
    toast_api_order_approval: str = field(default="APPROVED", metadata={
        "doc": "approvalStatus of an ASAP order posted through the API: `APPROVED` (the restaurant takes it at "
               "once) or `NEEDS_APPROVAL` (as the spec's POST /orders example response shows)"})
    toast_non_card_check_status: str = field(default="closed", metadata={
        "doc": "paymentStatus of a check paid in full without a card: `closed` at once (the spec: PAID means a "
               "card tip is still to be adjusted) or `paid` until the business day closes out"})
    scenarios: tuple = field(default_factory=tuple)
    journal_size: int = 10000
    rate_limits: bool = True
    toast_global_per_second: int = 20
    toast_global_per_15_minutes: int = 10000
    toast_api_per_second: int = 20
    toast_api_per_15_minutes: int = 10000
    toast_menus_per_second: int = 1
    toast_bulk_per_second: int = 5
    toast_login_per_second: int = 20
    toster_per_minute: int = 1000
    webhook_log_size: int = 10000
    config_page_size: int = 100
    toster_retry_base: int = 60
    toster_retry_attempts: int = 5
    log_level: str = "info"
    admin_token: str = None
    allowed_hosts: tuple = field(default_factory=tuple)
    webhook_hosts: tuple = field(default_factory=tuple)
    webhook_any_host: bool = False
    quiet: bool = False
    log_format: str = "text"
    tls: bool = False
    tls_cert: str = None
    tls_key: str = None
    tls_dir: str = None
    toast_analytics_limits: bool = field(default=True, metadata={
        "doc": "enforce the analytics API's own per-endpoint limits (10 report requests per hour for long ranges ...)"})
    analytics_ready_seconds: float = field(default=2.0, metadata={
        "doc": "seconds (sandbox clock) an analytics report answers 202 IN_PROGRESS before it is ready"})
    analytics_settlement_days: int = field(default=1, metadata={
        "doc": "days from a card payment's business date to its payout's settled date"})
    analytics_card_fee_percent: float = field(default=2.49, metadata={
        "doc": "card processing fee, percent of each card payment, in payout reports"})
    analytics_card_fee_fixed: float = field(default=0.15, metadata={
        "doc": "card processing fee, fixed amount per card payment, in payout reports"})

    @property
    def start_instant(self):
        return parse_instant(self.start_time) if self.start_time else None


class ConfigSchema(Schema):
    """Types, bounds and coercion for every setting (the environment gives strings)."""

    class Meta:
        unknown = EXCLUDE

    host = mf.String()
    port = mf.Integer(validate=validate.Range(0, 65535))
    threads = mf.Integer(validate=validate.Range(1, 256))
    seed = mf.Integer()
    fixtures = mf.String()
    history_days = mf.Integer(allow_none=True, validate=validate.Range(min=0))
    start_time = mf.String(allow_none=True)
    frozen = mf.Boolean()
    strict = mf.Boolean()
    max_body_bytes = mf.Integer(validate=validate.Range(min=1))
    max_import_bytes = mf.Integer(validate=validate.Range(min=1))
    body_timeout = mf.Float(validate=validate.Range(min=0.1, max=3600))
    snapshot_limit = mf.Integer(allow_none=True, validate=validate.Range(min=1))
    world_file = mf.String(allow_none=True)
    token_lifetime = mf.Integer(validate=validate.Range(min=61))
    connection_delay = mf.Integer(validate=validate.Range(min=0))
    toast_duplicate_external_id = mf.String(validate=validate.OneOf(["reject", "existing", "allow"]))
    toast_guest_data_without_scope = mf.String(validate=validate.OneOf(["omit", "contact"]))
    toast_non_card_check_status = mf.String(validate=validate.OneOf(["closed", "paid"]))
    toast_api_order_approval = mf.String(validate=validate.OneOf(["APPROVED", "NEEDS_APPROVAL"]))
    scenarios = mf.List(mf.String())
    journal_size = mf.Integer(validate=validate.Range(min=1))
    rate_limits = mf.Boolean()
    toast_global_per_second = mf.Integer(validate=validate.Range(min=1))
    toast_global_per_15_minutes = mf.Integer(validate=validate.Range(min=1))
    toast_api_per_second = mf.Integer(validate=validate.Range(min=1))
    toast_api_per_15_minutes = mf.Integer(validate=validate.Range(min=1))
    toast_menus_per_second = mf.Integer(validate=validate.Range(min=1))
    toast_bulk_per_second = mf.Integer(validate=validate.Range(min=1))
    toast_login_per_second = mf.Integer(validate=validate.Range(min=1))
    toster_per_minute = mf.Integer(validate=validate.Range(min=1))
    webhook_log_size = mf.Integer(validate=validate.Range(min=1))
    config_page_size = mf.Integer(validate=validate.Range(1, 300))
    toster_retry_base = mf.Integer(validate=validate.Range(min=1))
    toster_retry_attempts = mf.Integer(validate=validate.Range(min=1, max=20))
    log_level = mf.String(validate=validate.OneOf(["debug", "info", "warning", "error"]))
    admin_token = mf.String(allow_none=True, validate=validate.Length(min=8))
    allowed_hosts = mf.List(mf.String())
    webhook_hosts = mf.List(mf.String())
    webhook_any_host = mf.Boolean()
    quiet = mf.Boolean()
    log_format = mf.String(validate=validate.OneOf(["text", "json"]))
    tls = mf.Boolean()
    tls_cert = mf.String(allow_none=True)
    tls_key = mf.String(allow_none=True)
    tls_dir = mf.String(allow_none=True)
    toast_analytics_limits = mf.Boolean()
    analytics_ready_seconds = mf.Float(validate=validate.Range(min=0, max=86400))
    analytics_settlement_days = mf.Integer(validate=validate.Range(min=0, max=30))
    analytics_card_fee_percent = mf.Float(validate=validate.Range(min=0, max=20))
    analytics_card_fee_fixed = mf.Float(validate=validate.Range(min=0, max=10))

    @post_load
    def _build(self, data, **_):
        if data.get("start_time"):
            try:
                parse_instant(data["start_time"])
            except ValueError as exc:
                raise ValidationError(f"not an ISO-8601 instant: {exc}", "start_time") from exc
        for name in LIST_SETTINGS:
            if name in data:
                data[name] = tuple(data[name])
        if bool(data.get("tls_cert")) != bool(data.get("tls_key")):
            raise ValidationError("a certificate and its key go together (--cert and --key)", "tls_cert")
        return Config(**data)


SETTINGS = tuple(item.name for item in fields(Config))
ENVIRONMENT_PREFIX = "SANDBOX_"
# SANDBOX_CONFIG names the file itself; it is not a setting.
_ENVIRONMENT_EXTRA = ("CONFIG",)


def _env_name(name):
    return ENVIRONMENT_PREFIX + name.upper()


def _refuse_unknown(names, label, where=""):
    """ValueError for the first name that is not a setting, suggesting the closest one."""
    for name in names:
        if name not in SETTINGS:
            close = difflib.get_close_matches(name, SETTINGS, n=1, cutoff=0.6)
            hint = f"did you mean {label(close[0])}?" if close else f"settings: {', '.join(SETTINGS)}"
            raise ValueError(f"unknown setting {label(name)}{where}; {hint}")


def _from_file(path):
    """The mapping in a YAML config file; a clear message (with the line) when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = load_yaml(handle.read())
    except OSError as exc:
        raise ValueError(f"config file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark, opened = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = f" ({exc.context} opened at line {opened.line + 1})" if opened and exc.context else ""
        raise ValueError(f"config file {path}: not valid YAML{where}: {problem}{context}") from exc
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ValueError(f"config file {path}: expected a mapping of settings (name: value), "
                         f"not {type(document).__name__}")
    names = [str(name).replace("-", "_") for name in document]
    _refuse_unknown(names, repr, f" in {path}")
    return dict(zip(names, document.values()))


def _from_environment(environ):
    names = [key[len(ENVIRONMENT_PREFIX):].lower() for key in environ
             if key.startswith(ENVIRONMENT_PREFIX) and key[len(ENVIRONMENT_PREFIX):] not in _ENVIRONMENT_EXTRA]
    _refuse_unknown(names, _env_name)
    return {name: ([s for s in environ[_env_name(name)].split(",") if s] if name in LIST_SETTINGS
                   else environ[_env_name(name)]) for name in names}


def load_config(overrides=None, config_file=None, environ=None):
    """Merge every source in order of precedence; a bad or unknown setting raises ValueError naming it where it
    was given (the file, the SANDBOX_* variable or the setting)."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    config_file = config_file or overrides.pop("config", None) or environ.get("SANDBOX_CONFIG")
    overrides = {name: value for name, value in overrides.items() if value is not None}
    merged, sources = {}, {}
    layers = [(_from_file(config_file) if config_file else {}, lambda name: f"{name} (in {config_file})"),
              (_from_environment(environ), _env_name), (overrides, str)]
    _refuse_unknown(overrides, str)
    for values, label in layers:
        merged.update(values)
        sources.update({name: label(name) for name in values})
    try:
        return ConfigSchema().load(merged)
    except ValidationError as exc:
        problems = "; ".join(f"{sources.get(name, name)}={merged.get(name)!r}: {' '.join(_flat(messages))}"
                             for name, messages in exc.messages.items())
        raise ValueError(f"invalid configuration: {problems}") from exc


def _flat(messages):
    """marshmallow messages (a list, or a dict for list items) as plain sentences."""
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    return list(messages) if isinstance(messages, list) else [str(messages)]
