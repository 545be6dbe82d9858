"""The Toast side of a world: every collection the Toast APIs read and change."""

from dataclasses import dataclass, field

from sandbox.toast.orders.book import OrderBook


@dataclass
class ToastState:
    groups: dict = field(default_factory=dict)        # management group guid -> ManagementGroup
    restaurants: dict = field(default_factory=dict)   # restaurant guid -> Restaurant
    clients: dict = field(default_factory=dict)       # clientId -> Client
    connections: dict = field(default_factory=dict)   # (clientId, restaurant guid) -> Connection
    tokens: dict = field(default_factory=dict)        # access token -> Token
    employees: dict = field(default_factory=dict)     # restaurant guid -> {guid: Employee} (labor and orders)
    jobs: dict = field(default_factory=dict)          # restaurant guid -> {guid: Job}
    shifts: dict = field(default_factory=dict)        # restaurant guid -> {guid: Shift}
    time_entries: dict = field(default_factory=dict)  # restaurant guid -> {guid: TimeEntry}
    guests: dict = field(default_factory=dict)        # management group guid -> [Guest]
    catalogs: dict = field(default_factory=dict)      # restaurant guid -> Catalog
    orders: OrderBook = field(default_factory=OrderBook)
    reports: dict = field(default_factory=dict)       # analytics report GUID -> the report (plain data)


def toast_state(world):
    """The ToastState of a world."""
    return world.state["toast"]
