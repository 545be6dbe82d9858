"""What a world export holds of Toster: its data types, and the checks that an imported Toster state is one its
API can read (each collection of its type, and every entity rendered once as the API would)."""

from sandbox.core.codec import check_items, check_mapping, render
from sandbox.toster import fleet, orders, people, state as model
from sandbox.toster.handlers import product_dict

TYPES = (model.TosterState, model.ApiKey, model.Category, model.Product, model.Customer, model.Order,
         model.Courier, model.Review, model.LoyaltyEntry)
_COLLECTIONS = (("keys", model.ApiKey, "key"), ("categories", model.Category, "id"),
                ("products", model.Product, "id"), ("customers", model.Customer, "id"),
                ("orders", model.Order, "id"), ("couriers", model.Courier, "id"), ("reviews", model.Review, "id"))


def check_import(state, where):
    """Refuse an imported TosterState that the Toster API could not read."""
    for name, kind, key in _COLLECTIONS:
        check_mapping(getattr(state, name), kind, f"{where}.{name}", key=lambda item, key=key: getattr(item, key))
    check_items(state.loyalty, model.LoyaltyEntry, f"{where}.loyalty")
    views = [("products", lambda item: product_dict(state, item)),
             ("customers", lambda item: people.to_dict(state, item)),
             ("orders", lambda item: orders.to_dict(state, item)), ("couriers", fleet.courier_dict),
             ("reviews", people.review_dict)]
    for name, view in views:
        for ident, item in getattr(state, name).items():
            render(lambda: view(item), f"{where}.{name}[{str(ident)[:60]!r}]")
    for number, entry in enumerate(state.loyalty):
        render(lambda: people.entry_dict(entry), f"{where}.loyalty[{number}]")
