"""The configuration API's wire form of each catalog entity, by collection (the path segment of its operations)."""


def _ref(guid, entity_type, external=False):
    if guid is None:
        return None
    view = {"guid": guid, "entityType": entity_type}
    if external:
        view["externalId"] = None
    return view


def _base(entity, entity_type, external=False):
    view = {"guid": entity.guid, "entityType": entity_type, "name": entity.name}
    if external:
        view["externalId"] = None
    return view


def _named(entity_type, external=False, **fixed):
    """Renderer for name-only entities, with fixed extra fields."""
    return lambda catalog, entity: {**_base(entity, entity_type, external), **fixed}


def _dining_option(catalog, option):
    return {**_base(option, "DiningOption", True), "behavior": option.behavior, "curbside": option.curbside}


def _discount(catalog, discount):
    return {**_base(discount, "Discount"), "active": discount.active, "type": discount.type,
            "percentage": float(discount.percentage) if discount.percentage is not None else None,
            "amount": float(discount.amount) if discount.amount is not None else None,
            "selectionType": discount.selection_type, "nonExclusive": False, "itemPickingPriority": None,
            "fixedTotal": None,
            "promoCodes": [{"entityType": "PromoCode", **code} for code in discount.promo_codes]}


def _service_charge(catalog, charge):
    return {**_base(charge, "ServiceCharge", True), "amountType": charge.amount_type,
            "amount": float(charge.amount) if charge.amount is not None else None,
            "percent": float(charge.percent) if charge.percent is not None else None,
            "criteria": {"minCheckAmount": None, "delivery": charge.name == "Delivery Fee", "maxCheckAmount": None,
                         "minDeliveryDistance": None, "takeout": False, "dineIn": False},
            "gratuity": charge.gratuity, "taxable": charge.taxable,
            "applicableTaxes": [_ref(g, "TaxRate") for g in charge.tax_rate_guids],
            "serviceChargeCalculation": "PRE_DISCOUNT", "destination": "RESTAURANT", "taxInclusive": False,
            "taxProrated": False}


def _tax_rate(catalog, rate):
    return {**_base(rate, "TaxRate"), "isDefault": rate.is_default, "rate": float(rate.rate / 100),
            "type": "PERCENT", "roundingType": "HALF_UP", "taxTable": [], "conditionalTaxRates": []}


def _revenue_center(catalog, center):
    return {**_base(center, "RevenueCenter"), "description": center.description}


def _service_area(catalog, area):
    return {**_base(area, "ServiceArea"), "revenueCenter": _ref(area.revenue_center_guid, "RevenueCenter", True)}


def _table(catalog, table):
    return {**_base(table, "Table"), "serviceArea": _ref(table.service_area_guid, "ServiceArea"),
            "revenueCenter": _ref(table.revenue_center_guid, "RevenueCenter", True)}


def _menu(catalog, menu):
    return {**_base(menu, "Menu", True), "orderableOnline": "YES", "visibility": "ALL",
            "groups": [_ref(g, "MenuGroup", True) for g in menu.group_guids], "images": [], "unitOfMeasure": "NONE"}


def _menu_group(catalog, group):
    return {**_base(group, "MenuGroup", True), "menu": _ref(group.menu_guid, "Menu", True), "orderableOnline": "YES",
            "visibility": "ALL", "parent": None, "items": [_ref(i, "MenuItem", True) for i in group.item_guids],
            "subgroups": [], "optionGroups": [], "inheritOptionGroups": False, "images": [], "unitOfMeasure": "NONE",
            "inheritUnitOfMeasure": False}


def _menu_item(catalog, item):
    """Menu items and modifier options alike (the platform models options as menu items)."""
    groups = getattr(item, "modifier_group_guids", [])
    return {**_base(item, "MenuItem", True), "calories": None, "sku": getattr(item, "sku", None),
            "plu": getattr(item, "plu", None), "orderableOnline": "YES", "visibility": "ALL", "type": "NONE",
            "optionGroups": [_ref(g, "MenuOptionGroup", True) for g in groups], "inheritOptionGroups": False,
            "images": [], "unitOfMeasure": "NONE", "inheritUnitOfMeasure": False}


def _option_group(catalog, group):
    return {**_base(group, "MenuOptionGroup", True),
            "options": [_ref(o, "MenuItem", True) for o in group.option_guids],
            "minSelections": group.min_selections, "maxSelections": group.max_selections}


def _pre_modifier(catalog, modifier):
    group = next(iter(catalog.named["preModifierGroups"]), None)
    return {**_base(modifier, "PreModifier"), "scalePrice": False, "basePrice": 0.0, "scaleFactor": 1.0,
            "displayMode": "PREFIX", "parent": _ref(group, "PreModifierGroup"), "chargeAsExtra": False}


def _cash_drawer(catalog, drawer):
    """A drawer hangs off the printer of its station ("Bar Drawer" off "Bar"), else off the first printer."""
    printers = {p.name: guid for guid, p in catalog.named["printers"].items()}
    printer = printers.get(drawer.name.removesuffix(" Drawer"), next(iter(printers.values()), None))
    return {"guid": drawer.guid, "entityType": "CashDrawer", "printer": _ref(printer, "Printer")}


def _break_type(catalog, kind):
    return {**_base(kind, "BreakType"), "active": True, "paid": kind.name == "Rest Break", "duration": 30,
            "enforceMinimumTime": False, "trackMissedBreaks": False, "breakIntervalHrs": 4, "breakIntervalMins": 0,
            "trackBreakAcknowledgement": False}


def _items(catalog):
    return {**catalog.menu_items, **catalog.modifier_options}


# collection -> (entities of a catalog, renderer)
COLLECTIONS = {
    "alternatePaymentTypes": (lambda c: c.named["alternatePaymentTypes"], _named("AlternatePaymentType", True)),
    "breakTypes": (lambda c: c.named["breakTypes"], _break_type),
    "cashDrawers": (lambda c: c.named["cashDrawers"], _cash_drawer),
    "diningOptions": (lambda c: c.dining_options, _dining_option),
    "discounts": (lambda c: c.discounts, _discount),
    "menuGroups": (lambda c: c.menu_groups, _menu_group),
    "menuItems": (_items, _menu_item),
    "menuOptionGroups": (lambda c: c.modifier_groups, _option_group),
    "menus": (lambda c: c.menus, _menu),
    "preModifiers": (lambda c: c.named["preModifiers"], _pre_modifier),
    "preModifierGroups": (lambda c: c.named["preModifierGroups"], _named("PreModifierGroup", isDefault=True)),
    "noSaleReasons": (lambda c: c.named["noSaleReasons"], _named("NoSaleReason")),
    "payoutReasons": (lambda c: c.named["payoutReasons"], _named("PayoutReason")),
    "priceGroups": (lambda c: c.named["priceGroups"], _named("PriceGroup")),
    "printers": (lambda c: c.named["printers"], _named("Printer")),
    "salesCategories": (lambda c: c.named["salesCategories"], _named("SalesCategory")),
    "serviceAreas": (lambda c: c.service_areas, _service_area),
    "serviceCharges": (lambda c: c.service_charges, _service_charge),
    "revenueCenters": (lambda c: c.revenue_centers, _revenue_center),
    "restaurantServices": (lambda c: c.named["restaurantServices"], _named("RestaurantService")),
    "tables": (lambda c: c.tables, _table),
    "taxRates": (lambda c: c.tax_rates, _tax_rate),
    "voidReasons": (lambda c: c.named["voidReasons"], _named("VoidReason")),
}


def tip_withholding(catalog):
    return {"guid": catalog.restaurant_guid, "entityType": "TipWithholding",
            "enabled": catalog.tip_withholding_percentage > 0,
            "percentage": float(catalog.tip_withholding_percentage)}
