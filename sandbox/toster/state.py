"""The Toster side of a world: keys, catalogue, customers, orders, couriers, reviews and loyalty."""

import functools
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sandbox.core.errors import NotFound


@functools.lru_cache(maxsize=1 << 16)     # lists render the same few timestamps again and again
def iso(epoch):
    """Toster's timestamps: RFC 3339 in UTC to the second (`2026-04-28T14:22:00Z`)."""
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ApiKey:
    key: str
    name: str
    scopes: list


@dataclass
class Category:
    id: str
    name: str
    position: int


@dataclass
class Product:
    id: str
    name: str
    category_id: str
    price: int
    modifiers: list                       # [{"id", "name", "price"}]
    description: str = None
    available: bool = True


@dataclass
class Customer:
    id: str
    name: str
    phone: str
    email: str
    created: float
    tags: list = field(default_factory=list)
    notes: str = None


@dataclass
class Order:
    id: str
    number: int
    type: str                             # delivery or pickup
    customer_id: str
    items: list                           # [{"product_id", "name", "qty", "price", "modifiers", "total"}]
    subtotal: int
    delivery_fee: int
    total: int
    created: float
    status: str = "NEW"
    discount: int = 0
    address: dict = None
    notes: str = None
    courier_id: str = None
    history: list = field(default_factory=list)      # [(status, epoch, reason)]
    updated: float = None

    def reached(self, status):
        """When the order entered `status` (None if it never did)."""
        return next((at for name, at, _ in self.history if name == status), None)


@dataclass
class Courier:
    id: str
    name: str
    phone: str
    vehicle: str
    rating: float
    status: str = "available"
    current_order_id: str = None


@dataclass
class Review:
    id: str
    order_id: str
    customer_id: str
    rating: int
    comment: str
    created: float


@dataclass
class LoyaltyEntry:
    id: str
    customer_id: str
    type: str                             # earn, spend or award
    points: int
    reason: str
    order_id: str
    created: float


@dataclass
class TosterState:
    currency: str = "UAH"
    delivery_fee: int = 0
    kitchen: dict = field(default_factory=dict)      # {"lat", "lng"}
    city: str = ""
    keys: dict = field(default_factory=dict)         # key -> ApiKey
    categories: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)       # id -> Order, oldest first
    couriers: dict = field(default_factory=dict)
    reviews: dict = field(default_factory=dict)
    loyalty: list = field(default_factory=list)      # LoyaltyEntry, oldest first
    webhooks: dict = field(default_factory=dict)     # whk_ id -> webhook subscription guid
    last_number: int = 4800

    def __getstate__(self):
        # The order index (sandbox.toster.index) is rebuilt on first use, not kept in snapshots and templates.
        return {name: value for name, value in self.__dict__.items() if name != "order_index"}


def toster_state(world):
    return world.state["toster"]


def find(collection, identifier, what):
    """An entity by id, or 404 in Toster's shape with the id in details."""
    found = collection.get(identifier)
    if found is None:
        raise NotFound(f"{what} not found", details={"id": identifier})
    return found


def page(items, number, limit, render=None):
    """Toster's list envelope for one page (1-based); `render` turns only that page's entities into dicts."""
    start = (number - 1) * limit
    shown = items[start:start + limit]
    return {"items": [render(item) for item in shown] if render else shown, "total": len(items), "page": number,
            "pages": math.ceil(len(items) / limit)}
