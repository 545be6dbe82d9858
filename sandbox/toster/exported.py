"""Toster's part of a world export: its registered data types and the checks an imported TosterState must pass."""

from sandbox.core.codec import Refused, check_items, check_mapping, check_shape, render
from sandbox.toster import fleet, orders, people, state as model
from sandbox.toster.handlers import product_dict

TYPES = (model.TosterState, model.ApiKey, model.Category, model.Product, model.Customer, model.Order,
         model.Courier, model.Review, model.LoyaltyEntry)
_COLLECTIONS = (("keys", model.ApiKey, "key"), ("categories", model.Category, "id"),
                ("products", model.Product, "id"), ("customers", model.Customer, "id"),
                ("orders", model.Order, "id"), ("couriers", model.Courier, "id"), ("reviews", model.Review, "id"))

# The plain objects inside Toster's entities.
_NUMBER = (int, float)
_MODIFIER = {"id": str, "name": str, "price": int}
_LINE = {"product_id": str, "name": str, "qty": int, "price": int, "modifiers": list, "total": int}
_ADDRESS = {"street": str, "city": str, "apartment": str, "notes": str, "lat": _NUMBER, "lng": _NUMBER}
_POINT = {"lat": _NUMBER, "lng": _NUMBER}


def check_import(state, where):
    """Refuse an imported TosterState that the Toster API could not read."""
    for name, kind, key in _COLLECTIONS:
        check_mapping(getattr(state, name), kind, f"{where}.{name}", key=lambda item, key=key: getattr(item, key))
    check_items(state.loyalty, model.LoyaltyEntry, f"{where}.loyalty")
    check_shape(state.kitchen, _POINT, f"{where}.kitchen")
    for product in state.products.values():
        for number, modifier in enumerate(product.modifiers):
            check_shape(modifier, _MODIFIER, f"{where}.products[{product.id!r}].modifiers[{number}]")
    for order in state.orders.values():
        here = f"{where}.orders[{order.id!r}]"
        for number, line in enumerate(order.items):
            check_shape(line, _LINE, f"{here}.items[{number}]")
            for count, modifier in enumerate(line["modifiers"]):
                check_shape(modifier, _MODIFIER, f"{here}.items[{number}].modifiers[{count}]")
        if order.address is not None:
            check_shape(order.address, _ADDRESS, f"{here}.address", optional=tuple(_ADDRESS))
        for number, step in enumerate(order.history):
            if not (isinstance(step, tuple) and len(step) == 3 and isinstance(step[0], str)
                    and isinstance(step[1], _NUMBER) and isinstance(step[2], (str, type(None)))):
                raise Refused(f"{here}.history[{number}]", "expected (status, time, reason)")
    views = [("products", lambda item: product_dict(state, item)),
             ("customers", lambda item: people.to_dict(state, item)),
             ("orders", lambda item: orders.to_dict(state, item)), ("couriers", fleet.courier_dict),
             ("reviews", people.review_dict)]
    for name, view in views:
        for ident, item in getattr(state, name).items():
            render(lambda: view(item), f"{where}.{name}[{str(ident)[:60]!r}]")
    for number, entry in enumerate(state.loyalty):
        render(lambda: people.entry_dict(entry), f"{where}.loyalty[{number}]")
