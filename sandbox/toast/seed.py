"""Build the Toast side of a world from the fixtures, the world's seed and its start instant."""

from sandbox.core.fakes import People
from sandbox.core.webhooks import subscribe
from sandbox.toast.auth.models import Client
from sandbox.toast.catalog.seed import seed_catalogs
from sandbox.toast.labor.seed import Rota, seed_staff, settle_entries
from sandbox.toast.orders.seed import seed_orders
from sandbox.toast.partners.models import Connection
from sandbox.toast.restaurants.models import ManagementGroup, Restaurant
from sandbox.toast.state import ToastState

_DAY = 86400


def seed_toast(world, fixtures, seeded_at):
    """Fill `world.state['toast']`: groups, restaurants, clients, connections, staff and their rota, guests, catalogs
    and orders."""
    data = fixtures.get("toast", {})
    history = fixtures.get("history", {})
    rng = world.ids.random
    people = People(world.seed, rng)
    state = ToastState()
    for raw in data.get("managementGroups", []):
        state.groups[raw["guid"]] = ManagementGroup(raw["guid"], raw["name"], raw["menu"])
    for raw in data.get("restaurants", []):
        restaurant = Restaurant.from_fixture(raw, world.ids.guid())
        state.restaurants[restaurant.guid] = restaurant
        state.groups[restaurant.management_group_guid].restaurants.append(restaurant.guid)
        seed_staff(world, fixtures.get("labor", {}), state, restaurant, people, seeded_at)
    for group_guid in state.groups:
        state.guests[group_guid] = [
            {"guid": world.ids.guid(), **people.person(), "address1": people.street()}
            for _ in range(history.get("guests", 0))
        ]
    for raw in data.get("clients", []):
        client = Client(raw["clientId"], raw["clientSecret"], raw["name"], raw["type"], list(raw["scopes"]),
                        raw.get("partnerGuid"), raw.get("managementGroupGuid"))
        state.clients[client.client_id] = client
        for guid in raw.get("restaurants", []):
            connected_at = seeded_at - rng.randrange(60, 400) * _DAY
            contact = people.person()["email"]
            refs = raw.get("externalRefs", {}).get(guid, {})
            state.connections[(client.client_id, guid)] = Connection(client.client_id, guid, connected_at,
                                                                     connected_at, contact, refs.get("group"),
                                                                     refs.get("restaurant"))
    for raw in data.get("webhooks", []):
        subscribe(world, "toast", raw["url"], [raw["eventCategory"]], raw.get("secret"), seeded_at,
                  raw.get("signing", "body+timestamp"))
    seed_catalogs(world, fixtures, state, seeded_at)
    rotas = {}
    for restaurant in state.restaurants.values():
        rotas[restaurant.guid] = Rota(world, fixtures.get("labor", {}), state, restaurant)
        rotas[restaurant.guid].write(history.get("days", 0), fixtures.get("labor", {}).get("daysAhead", 0), seeded_at)
    seed_orders(world, fixtures, state, seeded_at, rotas)
    for restaurant in state.restaurants.values():
        settle_entries(state, restaurant)
    world.state["toast"] = state
