"""Settings: built-in defaults <- config file <- SANDBOX_* environment <- command-line flags or factory mapping."""

import os
from dataclasses import dataclass, field, fields

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
        return Config(**data)


def _from_environment(environ):
    values = {}
    for item in fields(Config):
        raw = environ.get(f"SANDBOX_{item.name.upper()}")
        if raw is not None:
            values[item.name] = [s for s in raw.split(",") if s] if item.name in LIST_SETTINGS else raw
    return values


def load_config(overrides=None, config_file=None, environ=None):
    """Merge every source in order of precedence; a bad value raises ValueError naming the setting."""
    merged = {}
    config_file = config_file or (overrides or {}).get("config") or (environ or os.environ).get("SANDBOX_CONFIG")
    if config_file:
        with open(config_file, encoding="utf-8") as handle:
            merged.update(load_yaml(handle.read()) or {})
    merged.update(_from_environment(os.environ if environ is None else environ))
    merged.update({k: v for k, v in (overrides or {}).items() if v is not None and k != "config"})
    try:
        return ConfigSchema().load(merged)
    except ValidationError as exc:
        raise ValueError(f"invalid configuration: {exc.messages}") from exc
