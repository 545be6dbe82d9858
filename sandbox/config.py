"""Settings: built-in defaults <- config file <- SANDBOX_* environment <- command-line flags or factory mapping."""

import difflib
import os
from dataclasses import dataclass, field, fields

import yaml
from marshmallow import EXCLUDE, Schema, ValidationError, fields as mf, post_load, validate

from sandbox.core.clock import parse_instant
from sandbox.core.fixtures import MAX_BYTES as MAX_FIXTURE_BYTES
from sandbox.core.openapi import load_yaml


LIST_SETTINGS = ("scenarios", "allowed_hosts", "webhook_hosts", "shard_urls")


@dataclass(frozen=True)
class Config:
    host: str = field(default="127.0.0.1", metadata={"doc": "Address `serve` binds."})
    port: int = field(default=8080, metadata={"doc": "Port `serve` listens on."})
    threads: int = field(default=64, metadata={
        "doc": "Most requests served at once (one gunicorn worker, a thread each, started as needed): a hang or "
               "a slow body holds one, never the rest."})
    seed: int = field(default=1, metadata={"doc": "Seed of the world."})
    fixtures: str = field(default="default.yaml", metadata={
        "doc": "World fixture: a path, or the name of a shipped file."})
    history_days: int = field(default=None, metadata={
        "doc": "Days of seeded order history (default: the fixture's, 30; 0 for the fastest start)."})
    start_time: str = field(default=None, metadata={
        "doc": "Pin the clock's start (ISO-8601; default: now); the seeded history ends there."})
    frozen: bool = field(default=False, metadata={
        "doc": "Start with the clock frozen (it moves only through the control API)."})
    strict: bool = field(default=False, metadata={
        "doc": "Check every response against the spec; a mismatch becomes a 500 (always on in tests)."})
    max_body_bytes: int = field(default=1024 * 1024, metadata={"doc": "Request body limit (413 above)."})
    max_import_bytes: int = field(default=256 * 1024 * 1024, metadata={
        "doc": "Body limit of `POST /_sandbox/import` (a world export)."})
    body_timeout: float = field(default=10.0, metadata={
        "doc": "Seconds a request body may take to arrive; slower is a 408 in the provider's shape."})
    snapshot_limit: int = field(default=100, metadata={
        "doc": "Snapshots a world keeps; one more is a 409 until one is deleted."})
    world_file: str = field(default=None, metadata={
        "doc": "Start the default world from a file saved with `pos-sandbox snapshot save`."})
    token_lifetime: int = field(default=86400, metadata={"doc": "Seconds a Toast token lives."})
    connection_delay: int = field(default=0, metadata={
        "doc": "Seconds a new partner connection is refused outside the partners API."})
    toast_duplicate_external_id: str = field(default="reject", metadata={
        "doc": "A reused order/check/selection `externalId`: `reject` (409), `existing` (the order that holds it "
               "comes back), `allow` (a duplicate is made)."})
    fixtures_dir: str = field(default=None, metadata={
        "doc": "A folder whose YAML files worlds created through the control API may name as fixtures (besides "
               "the shipped ones); nothing outside it is read."})
    max_fixture_bytes: int = field(default=MAX_FIXTURE_BYTES, metadata={
        "doc": "The largest fixture file read, in bytes; a larger one is refused."})
    snapshot_bytes_per_world: int = field(default=64 * 1024 * 1024, metadata={
        "doc": "The bytes one world's snapshots may hold; a snapshot past it is a 409 (delete one first)."})
    snapshot_bytes_total: int = field(default=512 * 1024 * 1024, metadata={
        "doc": "The bytes the snapshots of every world may hold together; a snapshot past it is a 409."})
    max_worlds: int = field(default=200, metadata={
        "doc": "The most worlds one process holds; creating one more is a 409 (delete one first)."})
    toast_labor_external_id_format: str = field(default="strict", metadata={
        "doc": "Labor externalId values must be authority:identifier (strict) or may be any text (any)"})
    toast_labor_window_days: int = field(default=31, metadata={
        "doc": "Longest startDate-endDate period, in days, the Labor API takes for shifts and time entries"})
    toast_out_of_stock_orders: str = field(default="reject", metadata={
        "doc": "an order for an item out of stock, or for more than is left: `reject` (400 naming the item) or "
               "`accept` (taken, the count stops at 0), as the stock guide says the orders API does"})
    toast_offline_orders: str = field(default="accept", metadata={
        "doc": "orders for a restaurant whose availability is OFFLINE: `accept` (200, as the platform does) or "
               "`reject` (409 naming the restaurant)"})
    toast_guest_data_without_scope: str = field(default="omit", metadata={
        "doc": "What a client without guest.pi:read sees of a check's guest: `omit` (no customer and no "
               "curbsidePickupInfo, as the developer guide says) or `contact` (the customer without e-mail and "
               "phone, as the spec's scope description reads)."})
    toast_api_order_approval: str = field(default="APPROVED", metadata={
        "doc": "The approvalStatus of an ASAP order posted through the API: `APPROVED` (the restaurant takes it at "
               "once) or `NEEDS_APPROVAL` (as the spec's POST /orders example response shows)."})
    toast_non_card_check_status: str = field(default="closed", metadata={
        "doc": "The paymentStatus of a check paid in full without a card: `closed` at once (the spec: PAID means a "
               "card tip is still to be adjusted) or `paid` until the business day closes out."})
    scenarios: tuple = field(default_factory=tuple, metadata={
        "doc": "Scenario presets switched on at start (`--scenario NAME`, repeatable)."})
    journal_size: int = field(default=10000, metadata={"doc": "Requests kept in each world's journal."})
    rate_limits: bool = field(default=True, metadata={
        "doc": "Enforce the platforms' rate limits (off in the pytest fixture, whose clock is frozen)."})
    toast_global_per_second: int = field(default=20, metadata={"doc": "Toast GLOBAL tier: requests per second."})
    toast_global_per_15_minutes: int = field(default=10000, metadata={
        "doc": "Toast GLOBAL tier: requests per 15 minutes."})
    toast_api_per_second: int = field(default=20, metadata={"doc": "Toast API tier: requests per second."})
    toast_api_per_15_minutes: int = field(default=10000, metadata={"doc": "Toast API tier: requests per 15 minutes."})
    toast_menus_per_second: int = field(default=1, metadata={
        "doc": "Toast endpoint limit of `GET /menus/v2/menus`, per second."})
    toast_bulk_per_second: int = field(default=5, metadata={
        "doc": "Toast endpoint limit of `GET /orders/v2/ordersBulk`, per second and location."})
    toast_login_per_second: int = field(default=20, metadata={"doc": "Toast endpoint limit of the login, per second."})
    toster_per_minute: int = field(default=1000, metadata={"doc": "Toster requests per minute per API key."})
    webhook_log_size: int = field(default=10000, metadata={
        "doc": "Delivered and unsent webhook log entries kept (pending and failed ones are never dropped)."})
    config_page_size: int = field(default=100, metadata={"doc": "Objects per page of the configuration API."})
    toster_retry_base: int = field(default=60, metadata={
        "doc": "Toster webhook back-off base in seconds: retries after base, 2 x base, 4 x base ..."})
    toster_retry_attempts: int = field(default=5, metadata={
        "doc": "Toster webhook delivery attempts before a delivery fails."})
    log_level: str = field(default="info", metadata={
        "doc": "Level of the sandbox's own log messages (`debug`, `info`, `warning`, `error`)."})
    admin_token: str = field(default=None, metadata={
        "doc": "At least 8 characters; when set, every `/_sandbox` call, the console and the docs need it."})
    allowed_hosts: tuple = field(default_factory=tuple, metadata={
        "doc": "Host names clients may use besides `localhost` and IP addresses."})
    webhook_hosts: tuple = field(default_factory=tuple, metadata={
        "doc": "Hosts (names, addresses or networks such as `10.0.0.0/8`) webhooks may go to besides loopback."})
    webhook_any_host: bool = field(default=False, metadata={"doc": "Let webhooks go to any host."})
    quiet: bool = field(default=False, metadata={"doc": "Print only the address at start, not the credentials."})
    log_format: str = field(default="text", metadata={"doc": "Access log lines: `text` or `json`."})
    tls: bool = field(default=False, metadata={"doc": "Serve HTTPS with a local CA and certificate made at start."})
    tls_cert: str = field(default=None, metadata={
        "doc": "Serve HTTPS with your own certificate (PEM; needs `tls_key`)."})
    tls_key: str = field(default=None, metadata={"doc": "The private key of `tls_cert` (PEM)."})
    tls_dir: str = field(default=None, metadata={
        "doc": "Serve HTTPS and keep `ca.pem`, `cert.pem` and `key.pem` in this folder."})
    toast_card_tips: str = field(default="cash", metadata={
        "doc": "how servers get their card tips: cash (a TIP_OUT cash entry each at the end of the day) or payroll "
               "(no tip-out: the drawer keeps that cash and the deposit grows by it)"})
    toast_kitchen_export: bool = field(default=True, metadata={
        "doc": "restaurants have the kitchen reporting subscription; false makes the item fulfillment export answer "
               "204 with no body, as for a restaurant without it"})
    webhook_self: bool = field(default=False, metadata={
        "doc": "Let webhooks target the sandbox's own listening port (any address of this machine); off, such "
               "subscriptions are a 400 and such deliveries fail."})
    webhook_deadline: float = field(default=10.0, metadata={
        "doc": "Seconds one delivery attempt may take in all (connect, send, and read the answer); past it the "
               "attempt fails as a timeout."})
    webhook_answer_bytes: int = field(default=64 * 1024, metadata={
        "doc": "Bytes of a receiver's answer read per attempt; the rest is not read (the log keeps 2,048 "
               "characters)."})
    shards: int = field(default=1, metadata={"doc": "sandbox processes `serve` runs behind the system's HAProxy, "
                                                    "each world on one of them by its name (1: one process)"})
    shard_index: int = field(default=None, metadata={"doc": "this process's place among shard_urls (set by "
                                                            "`serve --shards` and the deploy manifests)"})
    shard_urls: tuple = field(default_factory=tuple, metadata={"doc": "every shard's URL in order, for calls that "
                                                                      "span worlds (list worlds, metrics)"})
    state_dir: str = field(default=None, metadata={"doc": "keep every world of the process in this folder: "
                                                          "saved while worlds change and at stop, restored at start"})
    state_interval: float = field(default=2.0, metadata={"doc": "seconds between saves of changed worlds to "
                                                                "state_dir (the most a kill -9 loses)"})
    server: str = field(default="granian", metadata={"doc": "the HTTP server under the app: granian (default, "
                                                            "faster) or gunicorn"})
    header_timeout: float = field(default=10.0, metadata={"doc": "seconds a client may take to send a request's "
                                                                 "headers before its connection is closed"})
    reserve_threads: int = field(default=None, metadata={"doc": "threads kept for the control API and health (default "
                                                                "an eighth of threads, at least one): API requests "
                                                                "that wait (a hang or latency fault, a body still "
                                                                "arriving) beyond the rest answer 503"})

    toast_analytics_limits: bool = field(default=True, metadata={
        "doc": "Enforce the analytics API's own per-endpoint limits (10 report requests per hour for long ranges ...)."})
    analytics_ready_seconds: float = field(default=2.0, metadata={
        "doc": "Seconds (sandbox clock) an analytics report answers 202 IN_PROGRESS before it is ready."})
    analytics_settlement_days: int = field(default=1, metadata={
        "doc": "Days from a card payment's business date to its payout's settled date."})
    analytics_card_fee_percent: float = field(default=2.49, metadata={
        "doc": "Card processing fee, percent of each card payment, in payout reports."})
    analytics_card_fee_fixed: float = field(default=0.15, metadata={
        "doc": "Card processing fee, fixed amount per card payment, in payout reports."})

    @property
    def reserve(self):
        """Threads kept for the control API and health."""
        return self.reserve_threads or max(1, self.threads // 8) if self.threads > 1 else 0

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
    fixtures_dir = mf.String(allow_none=True)
    max_fixture_bytes = mf.Integer(validate=validate.Range(min=1))
    history_days = mf.Integer(allow_none=True, validate=validate.Range(min=0))
    start_time = mf.String(allow_none=True)
    frozen = mf.Boolean()
    strict = mf.Boolean()
    max_body_bytes = mf.Integer(validate=validate.Range(min=1))
    max_import_bytes = mf.Integer(validate=validate.Range(min=1))
    body_timeout = mf.Float(validate=validate.Range(min=0.1, max=3600))
    snapshot_limit = mf.Integer(allow_none=True, validate=validate.Range(min=1))
    snapshot_bytes_per_world = mf.Integer(validate=validate.Range(min=1))
    snapshot_bytes_total = mf.Integer(validate=validate.Range(min=1))
    max_worlds = mf.Integer(allow_none=True, validate=validate.Range(min=1))
    world_file = mf.String(allow_none=True)
    token_lifetime = mf.Integer(validate=validate.Range(min=61))
    connection_delay = mf.Integer(validate=validate.Range(min=0))
    toast_duplicate_external_id = mf.String(validate=validate.OneOf(["reject", "existing", "allow"]))
    toast_labor_external_id_format = mf.String(validate=validate.OneOf(["strict", "any"]))
    toast_labor_window_days = mf.Integer(validate=validate.Range(min=1, max=3660))
    toast_out_of_stock_orders = mf.String(validate=validate.OneOf(["reject", "accept"]))
    toast_offline_orders = mf.String(validate=validate.OneOf(["accept", "reject"]))
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
    toast_card_tips = mf.String(validate=validate.OneOf(["cash", "payroll"]))
    toast_kitchen_export = mf.Boolean()
    toster_retry_base = mf.Integer(validate=validate.Range(min=1))
    toster_retry_attempts = mf.Integer(validate=validate.Range(min=1, max=20))
    log_level = mf.String(validate=validate.OneOf(["debug", "info", "warning", "error"]))
    admin_token = mf.String(allow_none=True, validate=validate.Length(min=8))
    allowed_hosts = mf.List(mf.String())
    webhook_hosts = mf.List(mf.String())
    webhook_any_host = mf.Boolean()
    webhook_self = mf.Boolean()
    webhook_deadline = mf.Float(validate=validate.Range(min=0.1, max=600))
    webhook_answer_bytes = mf.Integer(validate=validate.Range(min=1))
    quiet = mf.Boolean()
    log_format = mf.String(validate=validate.OneOf(["text", "json"]))
    tls = mf.Boolean()
    tls_cert = mf.String(allow_none=True)
    tls_key = mf.String(allow_none=True)
    tls_dir = mf.String(allow_none=True)
    shards = mf.Integer(validate=validate.Range(1, 64))
    shard_index = mf.Integer(allow_none=True, validate=validate.Range(min=0))
    shard_urls = mf.List(mf.Url(require_tld=False, schemes={"http", "https"}))
    state_dir = mf.String(allow_none=True)
    state_interval = mf.Float(validate=validate.Range(min=0.1, max=3600))
    server = mf.String(validate=validate.OneOf(["granian", "gunicorn"]))
    header_timeout = mf.Float(validate=validate.Range(min=0.1, max=3600))
    reserve_threads = mf.Integer(allow_none=True, validate=validate.Range(min=1, max=255))
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
        if (data.get("reserve_threads") or 0) >= data.get("threads", 64):
            raise ValidationError("must be below threads (API requests need at least one)", "reserve_threads")
        if bool(data.get("tls_cert")) != bool(data.get("tls_key")):
            raise ValidationError("a certificate and its key go together (--cert and --key)", "tls_cert")
        if data.get("shard_urls") and not 0 <= (data.get("shard_index") if data.get("shard_index") is not None
                                                 else -1) < len(data["shard_urls"]):
            raise ValidationError("shard_urls needs this process's place among them (shard_index)", "shard_index")
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
