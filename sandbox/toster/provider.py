"""The Toster provider: bearer API keys with scopes, `{"error", "details"}` errors, a per-key rate limit, seeding
and signed webhooks."""

import re

from sandbox.core.errors import Forbidden, Unauthorized
from sandbox.core.journal import mask
from sandbox.core.provider import Provider
from sandbox.core.ratelimit import Limit
from sandbox.toster import exported, handlers
from sandbox.toster.seed import seed_toster
from sandbox.toster.state import TosterState, toster_state
from sandbox.toster.webhooks import TosterDelivery

KEY_FORMAT = re.compile(r"^966_[A-Za-z0-9]{52}$")
KEY_MISSING = "Missing API key: send Authorization: Bearer 966_..."
KEY_MALFORMED = "Malformed API key: expected Bearer 966_ followed by 52 letters and digits"
KEY_UNKNOWN = "Invalid API key"
SCOPE_MISSING = "This API key lacks the {scope} scope"


def _presented_key(ctx):
    scheme, _, key = (ctx.headers.get("Authorization") or "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else None


class TosterProvider(Provider):
    name = "toster"
    apis = (("toster-v1.yaml", handlers.OPERATIONS),)
    state_type = TosterState
    exports = exported.TYPES

    def authenticate(self, ctx):
        if not ctx.operation.security:
            return
        if not ctx.headers.get("Authorization"):
            raise Unauthorized(KEY_MISSING)
        key = _presented_key(ctx)
        if not key or not KEY_FORMAT.match(key):
            raise Unauthorized(KEY_MALFORMED)
        found = toster_state(ctx.world).keys.get(key)
        if found is None:
            raise Unauthorized(KEY_UNKNOWN)
        ctx.principal = found

    def authorize(self, ctx):
        wanted = ctx.operation.scopes_any_of
        if ctx.principal and wanted and not any(scopes <= set(ctx.principal.scopes) for scopes in wanted):
            scope = ctx.operation.extension("x-scope") or " + ".join(sorted(wanted[0]))
            raise Forbidden(SCOPE_MISSING.format(scope=scope), details={"required_scope": scope})

    def caller(self, ctx):
        """The key, masked: the journal and the console show who called without giving the key away."""
        key = _presented_key(ctx)
        return mask(key) if key else None

    def describe(self, ctx):
        request = super().describe(ctx)
        request.key = _presented_key(ctx)
        return request

    def rate_limits(self, ctx):
        key = ctx.principal.key if ctx.principal else None
        return [Limit("KEY", (key,), ctx.sandbox.config.toster_per_minute, 60)] if key else []

    def credentials(self, world):
        return {"keys": [{"key": k.key, "name": k.name, "scopes": list(k.scopes)}
                         for k in toster_state(world).keys.values()]}

    def delivery_policy(self, config):
        return TosterDelivery(config.toster_retry_base, config.toster_retry_attempts)

    def seed(self, world, fixtures, seeded_at):
        seed_toster(world, fixtures, seeded_at)

    def check_import(self, state, where):
        exported.check_import(state, where)

    @staticmethod
    def error_body(error, request_id):
        details = dict(error.details)
        if error.field:
            details["field"] = error.field
        if error.errors:
            details["problems"] = [{"field": sub.field, "message": sub.message} for sub in error.errors]
        return {"error": error.message, "details": details}
