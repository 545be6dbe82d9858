"""Build each restaurant's Catalog from its management group's menu template in the fixtures."""

from decimal import Decimal

from sandbox.toast.catalog.models import (Catalog, DiningOption, Discount, Menu, MenuGroup, MenuItem, ModifierGroup,
                                          ModifierOption, Named, RevenueCenter, ServiceArea, ServiceCharge, Table,
                                          TaxRate)
from sandbox.toast.catalog.schedule import from_fixture

# Name-only configuration every restaurant gets, by config collection.
_STOCK_NAMES = {
    "noSaleReasons": ["Make change", "Open drawer for count"],
    "payoutReasons": ["Supplies", "Delivery tip payout"],
    "priceGroups": ["Regular", "Happy Hour"],
    "printers": ["Kitchen", "Bar", "Expo"],
    "restaurantServices": ["Lunch", "Dinner"],
    "salesCategories": ["Food", "Beverage", "Alcohol"],
    "breakTypes": ["Meal Break", "Rest Break"],
    "cashDrawers": ["Front Drawer"],
    "preModifierGroups": ["Standard"],
    "preModifiers": ["No", "Extra", "On the Side"],
}


def _money(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


class _SharedIds:
    """multiLocationIds shared by the restaurants of one management group, keyed by template position."""

    def __init__(self, rng):
        self._rng = rng
        self._ids = {}

    def __call__(self, *key):
        if key not in self._ids:
            self._ids[key] = str(self._rng.randrange(10 ** 11, 10 ** 12))
        return self._ids[key]


def build_catalog(ids, shared, template, restaurant_guid, seeded_at):
    """One restaurant's Catalog from a menu template; `shared` gives the group's multiLocationIds."""
    catalog = Catalog(restaurant_guid=restaurant_guid, last_updated=seeded_at,
                      tip_withholding_percentage=Decimal("0"))
    for raw in template.get("taxRates", []):
        rate = TaxRate(ids.guid(), raw["name"], Decimal(str(raw["rate"])), raw.get("isDefault", True))
        catalog.tax_rates[rate.guid] = rate
    default_taxes = [t.guid for t in catalog.tax_rates.values() if t.is_default]
    for raw in template.get("diningOptions", []):
        option = DiningOption(ids.guid(), raw["name"], raw["behavior"], raw.get("curbside", False))
        catalog.dining_options[option.guid] = option
    for name in template.get("revenueCenters", []):
        center = RevenueCenter(ids.guid(), name, f"{name} sales")
        catalog.revenue_centers[center.guid] = center
    first_center = next(iter(catalog.revenue_centers))
    for raw in template.get("serviceAreas", []):
        area = ServiceArea(ids.guid(), raw["name"], first_center)
        catalog.service_areas[area.guid] = area
        for number in range(1, raw.get("tables", 0) + 1):
            table = Table(ids.guid(), f"{raw['name'][0]}{number}", area.guid, first_center)
            catalog.tables[table.guid] = table
    for raw in template.get("discounts", []):
        discount = Discount(ids.guid(), raw["name"], raw["type"], raw["selectionType"],
                            Decimal(str(raw["percentage"])) if "percentage" in raw else None,
                            _money(raw["amount"]) if "amount" in raw else None,
                            promo_codes=[{"guid": ids.guid(), "code": code["code"], "name": code["name"],
                                          "usageType": code.get("usageType", "MULTI_USE")}
                                         for code in raw.get("promoCodes", [])])
        catalog.discounts[discount.guid] = discount
    for raw in template.get("serviceCharges", []):
        charge = ServiceCharge(ids.guid(), raw["name"], raw["type"],
                               _money(raw["amount"]) if "amount" in raw else None,
                               Decimal(str(raw["percent"])) if "percent" in raw else None,
                               raw.get("gratuity", False), raw.get("taxable", False),
                               list(default_taxes) if raw.get("taxable") else [])
        catalog.service_charges[charge.guid] = charge
    named = {"voidReasons": template.get("voidReasons", []),
             "alternatePaymentTypes": template.get("alternatePaymentTypes", []), **_STOCK_NAMES}
    for collection, names in named.items():
        catalog.named[collection] = {}
        for name in names:
            entity = Named(ids.guid(), name)
            catalog.named[collection][entity.guid] = entity
    sales_categories = list(catalog.named["salesCategories"])
    groups_by_key = {}
    for position, raw in enumerate(template.get("modifierGroups", [])):
        group = ModifierGroup(ids.guid(), raw["name"], raw["minSelections"], raw["maxSelections"],
                              shared("modifierGroup", raw["key"]), reference_id=position + 1,
                              pre_modifiers=raw.get("preModifiers", False))
        _group_pricing(group, raw.get("pricing"))
        groups_by_key[raw["key"]] = group
        catalog.modifier_groups[group.guid] = group
        for index, option_raw in enumerate(raw["options"]):
            option = ModifierOption(ids.guid(), option_raw["name"], _money(option_raw.get("price", 0)), group.guid,
                                    shared("modifierOption", raw["key"], index),
                                    reference_id=1000 + len(catalog.modifier_options) + 1,
                                    tax_rate_guids=list(default_taxes))
            group.option_guids.append(option.guid)
            catalog.modifier_options[option.guid] = option
    for menu_index, menu_raw in enumerate(template.get("menus", [])):
        menu = Menu(ids.guid(), menu_raw["name"], shared("menu", menu_index))
        catalog.menus[menu.guid] = menu
        for group_index, group_raw in enumerate(menu_raw["groups"]):
            group = MenuGroup(ids.guid(), group_raw["name"], menu.guid, shared("group", menu_index, group_index))
            menu.group_guids.append(group.guid)
            catalog.menu_groups[group.guid] = group
            for item_index, item_raw in enumerate(group_raw["items"]):
                key = ("item", menu_index, group_index, item_index)
                category = sales_categories[1] if group_raw["name"] == "Drinks" else sales_categories[0]
                item = MenuItem(ids.guid(), item_raw["name"], _money(item_raw.get("price", 0)), menu.guid, group.guid,
                                shared(*key), category, sku=f"SKU-{shared(*key)[-5:]}",
                                plu=str(4000 + len(catalog.menu_items)),
                                modifier_group_guids=[groups_by_key[k].guid
                                                      for k in item_raw.get("modifierGroups", [])],
                                tax_rate_guids=list(default_taxes))
                _extras(ids, shared, catalog, item, item_raw, key, default_taxes)
                group.item_guids.append(item.guid)
                catalog.menu_items[item.guid] = item
    _size_guids(catalog)
    return catalog


def _group_pricing(group, raw):
    """A modifier group that prices its options (fixture `pricing: {strategy, prices}`): `prices` is a list by
    sequence, or sizes by name to such lists."""
    if not raw:
        return
    group.pricing_strategy = raw["strategy"]
    prices = raw["prices"]
    sized = prices.items() if isinstance(prices, dict) else [(None, prices)]
    group.pricing_rules = [{"sizeName": name, "sizeGuid": None, "prices": [_money(p) for p in values]}
                           for name, values in sized]


def _size_guids(catalog):
    """Each sized rule names the size option of the items the group is on (sizes match by name)."""
    for group in catalog.modifier_groups.values():
        if not any(rule["sizeName"] for rule in group.pricing_rules):
            continue
        sized = next((i for i in catalog.menu_items.values()
                      if group.guid in i.modifier_group_guids and i.size_group_guid), None)
        options = {catalog.modifier_options[o].name: o
                   for o in catalog.modifier_groups[sized.size_group_guid].option_guids} if sized else {}
        for rule in group.pricing_rules:
            rule["sizeGuid"] = options.get(rule["sizeName"])


def _extras(ids, shared, catalog, item, raw, key, taxes):
    """Time-specific prices, sizes (a required modifier group whose options carry the price), tags and allergens."""
    if raw.get("timePrices"):
        item.pricing_strategy = "TIME_SPECIFIC_PRICE"
        item.time_prices = [(_money(rule["price"]), from_fixture(rule)) for rule in raw["timePrices"]]
    if raw.get("sizes"):
        item.pricing_strategy = "SIZE_PRICE"
        group = ModifierGroup(ids.guid(), f"{item.name} Size", 1, 1, shared("size", *key),
                              reference_id=len(catalog.modifier_groups) + 1, sizes_of=item.guid)
        for index, size in enumerate(raw["sizes"]):
            option = ModifierOption(ids.guid(), size["name"], _money(size["price"]), group.guid,
                                    shared("sizeOption", *key, index),
                                    reference_id=1000 + len(catalog.modifier_options) + 1, tax_rate_guids=list(taxes))
            group.option_guids.append(option.guid)
            catalog.modifier_options[option.guid] = option
        catalog.modifier_groups[group.guid] = group
        item.size_group_guid = group.guid
        item.modifier_group_guids.insert(0, group.guid)
    for name in raw.get("tags", []):
        catalog.item_tags.setdefault(name, ids.guid())
    for code in raw.get("allergens", []):
        catalog.allergens.setdefault(code, ids.guid())
    item.tags, item.allergens = list(raw.get("tags", [])), list(raw.get("allergens", []))


def seed_catalogs(world, fixtures, state, seeded_at):
    """A Catalog for every restaurant, from its group's template; multiLocationIds are shared within a group."""
    templates = fixtures.get("toast", {}).get("menus", {})
    for group in state.groups.values():
        shared = _SharedIds(world.ids.random)
        template = templates.get(group.menu, {})
        for restaurant_guid in group.restaurants:
            state.catalogs[restaurant_guid] = build_catalog(world.ids, shared, template, restaurant_guid, seeded_at)
