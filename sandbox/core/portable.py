"""A world as a portable JSON document: export it, keep or share the file, import it into any world later.

The data is encoded by `sandbox.core.codec` through a registry of the types each provider exports; an import is
decoded and checked whole (every field's type, numbers, text, the providers' own checks of their indexes, the
clock) before it replaces anything, so a refused file leaves the world as it was and an accepted one reads like
a world the sandbox made itself."""

import json

from sandbox.core import webhooks
from sandbox.core.clock import EARLIEST, LATEST, parse_instant
from sandbox.core.codec import Refused, Registry
from sandbox.core.errors import BadRequest
from sandbox.core.events import Event
from sandbox.core.ids import IdFactory
from sandbox.core.templates import Data

FORMAT = "pos-sandbox.world"
VERSION = 1
NOT_AN_EXPORT = "Not a world export of this sandbox: {reason}"


class Exports:
    """What worlds export, by provider: the registered data types and the checks of each provider's state."""

    def __init__(self, providers, policies):
        self.policies = policies             # provider name -> DeliveryPolicy (renders imported events)
        self.registry = Registry()
        self.registry.register(webhooks.WebhookState, webhooks.Subscription, webhooks.Delivery, webhooks.Attempt,
                               Event)
        self.parts = {}
        for provider in providers:
            self.registry.register(*provider.exports)
            if provider.state_type is not None:
                self.parts[provider.name] = (provider.state_type, provider.check_import)
        self.parts["webhooks"] = (webhooks.WebhookState, webhooks.check_import)

    def export_world(self, world):
        """The world's data, clock reading and settings as one JSON-able document."""
        with world.lock:
            document = {"state": self.registry.encode(world.data.state),
                        "ids": self.registry.encode(world.data.ids.random.getstate()),
                        "clock": world.clock.to_dict()}
        return {"format": FORMAT, "version": VERSION, "world": world.name, "settings": world.settings.to_dict(),
                **document}

    def import_world(self, world, document):
        """Replace the world's data with an export's and set its clock to the export's reading, all at once;
        400 naming what is wrong (and nothing changed) when the document is not a sound export."""
        data, (instant, frozen) = self.decode(document)
        with world.lock:
            world.replace(data)
            world.clock.freeze(frozen)
            world.clock.set(instant)

    def load_file(self, world, path):
        """Import an export file (`pos-sandbox serve --world-file`); ValueError naming the file when it is not
        one."""
        try:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle, parse_constant=_not_json)
            self.import_world(world, document)
        except (OSError, ValueError, RecursionError) as exc:
            raise ValueError(f"world file {path}: {exc}") from exc
        except BadRequest as exc:
            raise ValueError(f"world file {path}: {exc.message}") from exc

    def decode(self, document):
        """(Data, (instant, frozen)) from an export document; 400 naming what is wrong."""
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise BadRequest(NOT_AN_EXPORT.format(reason=f"'format' must be {FORMAT}"), field="format")
        if document.get("version") != VERSION:
            raise BadRequest(NOT_AN_EXPORT.format(reason=f"version {repr(document.get('version'))[:20]} is not "
                                                         f"{VERSION}"), field="version")
        try:
            state = self._state(document.get("state"))
            ids = IdFactory(0)
            ids.random.setstate(self.registry.decode(document.get("ids"), "ids"))
            clock = _clock(document.get("clock"))
        except Refused as exc:
            raise BadRequest(NOT_AN_EXPORT.format(reason=str(exc)), field=exc.where) from exc
        except (TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise BadRequest(NOT_AN_EXPORT.format(reason=f"ids: not a random state ({exc})"), field="ids") from exc
        return Data(state, ids), clock

    def _state(self, raw):
        if not isinstance(raw, dict) or set(raw) != set(self.parts):
            raise Refused("state", f"must hold exactly {sorted(self.parts)}")
        state = {}
        for name, (kind, check) in self.parts.items():
            part = self.registry.decode(raw[name], f"state.{name}")
            if not isinstance(part, kind):
                raise Refused(f"state.{name}", f"is not a {kind.__name__}")
            check(part, f"state.{name}")
            state[name] = part
        self._render(state["webhooks"])
        return state

    def _render(self, log):
        """Every delivery's body rendered now, as the worker would: an event it could not render is refused."""
        for delivery in log.deliveries.values():
            where = f"state.webhooks.deliveries[{delivery.guid!r}]"
            if not isinstance(delivery.event, Event) or delivery.provider not in self.policies:
                raise Refused(where, "expected an Event of a provider that sends webhooks")
            if delivery.body is None:
                try:
                    delivery.body = self.policies[delivery.provider].body(delivery.event)
                except (LookupError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                    raise Refused(f"{where}.event", f"cannot be sent: {type(exc).__name__}: {exc}") from exc


def _clock(raw):
    if not isinstance(raw, dict) or not isinstance(raw.get("now"), str) or not isinstance(raw.get("frozen"), bool):
        raise Refused("clock", "expected {\"now\": an ISO-8601 instant, \"frozen\": true or false}")
    try:
        instant = parse_instant(raw["now"])
    except (ValueError, OverflowError) as exc:
        raise Refused("clock.now", f"not an ISO-8601 instant ({exc})") from exc
    if not EARLIEST <= instant.timestamp() < LATEST:
        raise Refused("clock.now", f"{raw['now'][:40]} is outside the years the sandbox clock can show")
    return instant, raw["frozen"]


def _not_json(text):
    raise ValueError(f"{text} is not JSON")
