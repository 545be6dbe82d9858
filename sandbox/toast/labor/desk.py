"""What every Labor request shares: the restaurant's labor collections, lookups by GUID or external identifier, the
external identifier rules, and the refusal texts."""

import re

from sandbox.core.errors import BadRequest, Conflict, NotFound
from sandbox.toast.access import is_guid
from sandbox.toast.state import toast_state

NOT_FOUND = "The specified {what} was not found: {key}"
UNKNOWN_REFERENCE = "{field} names no {what} of this restaurant: {key}"
REFERENCE_MISSING = "{field} needs a guid or an externalId"
EXTERNAL_ID_FORMAT = ("externalId must be written {{authority}}:{{identifier}}, the authority at most 16 characters "
                      "and the identifier at most 256: {value!r}")
EXTERNAL_ID_TAKEN = "externalId {value} is already used by {what} {guid}"
EXTERNAL_ID_SET = "{what} {guid} already has externalId {value}; use PUT to replace it"
_EXTERNAL_ID = re.compile(r"^[^:\s]{1,16}:\S.{0,255}$", re.DOTALL)


class LaborDesk:
    """Labor actions for one request: the restaurant's jobs, employees, shifts and time entries, and the clock."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.state = toast_state(ctx.world)
        self.restaurant = ctx.restaurant
        guid = ctx.restaurant.guid
        self.jobs = self.state.jobs.setdefault(guid, {})
        self.employees = self.state.employees.setdefault(guid, {})
        self.shifts = self.state.shifts.setdefault(guid, {})
        self.entries = self.state.time_entries.setdefault(guid, {})
        self.now = ctx.world.clock.timestamp()
        self.ids = ctx.world.ids

    @staticmethod
    def lookup(collection, key):
        """The entity whose GUID or externalId is `key` (None if none)."""
        if is_guid(key) and key.lower() in collection:
            return collection[key.lower()]
        return next((e for e in collection.values() if e.external_id is not None and e.external_id == key), None)

    def find(self, collection, key, what):
        """The entity named in the path, or 404."""
        found = self.lookup(collection, key)
        if found is None:
            raise NotFound(NOT_FOUND.format(what=what, key=key))
        return found

    def named(self, collection, keys):
        """The entities named by an ids list, in the order asked, each once; unknown ids are left out."""
        found = {}
        for key in keys:
            entity = self.lookup(collection, key)
            if entity is not None:
                found.setdefault(entity.guid, entity)
        return list(found.values())

    def resolve(self, collection, raw, field, what):
        """A request's reference ({guid} or {externalId}) to an entity, or 400 naming the field."""
        raw = raw or {}
        key = raw.get("guid") or raw.get("externalId")
        if not key:
            raise BadRequest(REFERENCE_MISSING.format(field=field), field=field)
        found = self.lookup(collection, key)
        if found is None:
            raise BadRequest(UNKNOWN_REFERENCE.format(field=field, what=what, key=key), field=field)
        return found

    def external_id(self, collection, value, owner, what, replace=True):
        """Check an externalId for `owner` (None for a new entity): format (switchable) and uniqueness (409)."""
        if self.ctx.sandbox.config.toast_labor_external_id_format == "strict" and not _EXTERNAL_ID.match(value):
            raise BadRequest(EXTERNAL_ID_FORMAT.format(value=value), field="externalId")
        holder = next((e for e in collection.values() if e.external_id == value), None)
        if holder is not None and holder is not owner:
            raise Conflict(EXTERNAL_ID_TAKEN.format(value=value, what=what, guid=holder.guid), field="externalId")
        if owner is not None and not replace and owner.external_id not in (None, value):
            raise Conflict(EXTERNAL_ID_SET.format(what=what, guid=owner.guid, value=owner.external_id),
                           field="externalId")
        return value

    def touch(self, entity):
        entity.modified = self.now
        return entity
