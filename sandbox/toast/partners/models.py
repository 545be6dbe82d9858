"""Partner connections between API clients and restaurants, and the two list views of them."""

import base64
import math
from dataclasses import dataclass
from datetime import datetime, timezone

from sandbox.core.errors import BadRequest, Conflict, NotFound

PAGE_TOKEN_INVALID = "The page token is not valid; start again from the first page"


@dataclass
class Connection:
    client_id: str
    restaurant_guid: str
    created_at: float                          # epoch seconds on the sandbox clock
    modified_at: float
    created_by_email: str
    external_group_ref: str = None
    external_restaurant_ref: str = None

    def to_dict(self, restaurant):
        """The PartnerAccessExternalRep of this connection."""
        return {
            "restaurantGuid": restaurant.guid,
            "managementGroupGuid": restaurant.management_group_guid,
            "deleted": restaurant.deleted,
            "restaurantName": restaurant.name,
            "locationName": restaurant.location_name,
            "createdByEmailAddress": self.created_by_email,
            "externalGroupRef": self.external_group_ref,
            "externalRestaurantRef": self.external_restaurant_ref,
            "modifiedDate": int(self.modified_at * 1000),
            "createdDate": int(self.created_at * 1000),
            "isoModifiedDate": _iso(self.modified_at),
            "isoCreatedDate": _iso(self.created_at),
        }


def _iso(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def connect(state, client_id, restaurant_guid, now, email, external_group_ref=None, external_restaurant_ref=None):
    """Connect a restaurant to a partner client (or update the connection); returns (connection, created)."""
    client = state.clients.get(client_id)
    if client is None:
        raise NotFound(f"No API client {client_id}")
    if not client.is_partner:
        raise Conflict(f"API client {client_id} is a restaurant-group client; only partners have connections")
    if restaurant_guid not in state.restaurants:
        raise NotFound(f"No restaurant {restaurant_guid}")
    key = (client_id, restaurant_guid)
    existing = state.connections.get(key)
    if existing is not None:
        existing.modified_at = now
        existing.external_group_ref = external_group_ref or existing.external_group_ref
        existing.external_restaurant_ref = external_restaurant_ref or existing.external_restaurant_ref
        return existing, False
    connection = Connection(client_id, restaurant_guid, now, now, email, external_group_ref, external_restaurant_ref)
    state.connections[key] = connection
    return connection, True


def disconnect(state, client_id, restaurant_guid):
    """Remove a connection; 404 when there is none."""
    if state.connections.pop((client_id, restaurant_guid), None) is None:
        raise NotFound(f"Restaurant {restaurant_guid} is not connected to API client {client_id}")


def connections_of(state, client_id, modified_after=None):
    """A client's connections, oldest first, optionally only those changed after an epoch instant."""
    found = [c for (cid, _), c in state.connections.items() if cid == client_id
             and (modified_after is None or c.modified_at > modified_after)]
    return sorted(found, key=lambda c: (c.created_at, c.restaurant_guid))


def token_for(page, size):
    """The opaque token of one page of a given size."""
    return base64.b64encode(f"p:{page},s:{size}".encode()).decode()


def _read_page_token(token):
    try:
        page_part, size_part = base64.b64decode(token, validate=True).decode().split(",")
        return int(page_part.removeprefix("p:")), int(size_part.removeprefix("s:"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(PAGE_TOKEN_INVALID, field="pageToken") from exc


def paginate(items, page=None, page_size=None, page_token=None):
    """The PaginatedResponse fields for one page of `items` (already rendered)."""
    page, page_size = page or 1, page_size or 100
    if page_token:
        page, page_size = _read_page_token(page_token)
        if page < 1 or not 1 <= page_size <= 200:
            raise BadRequest(PAGE_TOKEN_INVALID, field="pageToken")
    last = max(1, math.ceil(len(items) / page_size))
    start = (page - 1) * page_size
    return {
        "currentPageNum": page,
        "results": items[start:start + page_size],
        "totalResultCount": len(items),
        "pageSize": page_size,
        "currentPageToken": token_for(page, page_size),
        "nextPageToken": token_for(page + 1, page_size) if page < last else None,
        "totalCount": len(items),
        "nextPageNum": page + 1 if page < last else None,
        "lastPageNum": last,
        "previousPageNum": page - 1 if page > 1 else None,
    }
