"""Handlers of the Toast Configuration API: one lister and one getter per collection, paged by token."""

from sandbox.core.errors import BadRequest, NotFound
from sandbox.toast.access import is_guid
from sandbox.toast.config import views
from sandbox.toast.paging import token_page
from sandbox.toast.state import toast_state

NOT_FOUND = "No {entity} with GUID {guid} in this restaurant's configuration"


def _catalog(ctx):
    return toast_state(ctx.world).catalogs[ctx.restaurant.guid]


def _lister(collection):
    entities, render = views.COLLECTIONS[collection]

    def list_collection(ctx):
        catalog = _catalog(ctx)
        everything = list(entities(catalog).values())
        size = ctx.sandbox.config.config_page_size
        # Render only the page's entities: a token page is a slice of the catalog's order.
        reply = token_page(ctx.params, everything, catalog.last_updated, size)
        reply.body = [render(catalog, entity) for entity in reply.body]
        return reply
    return list_collection


def _getter(collection, entity_type):
    entities, render = views.COLLECTIONS[collection]

    def get_one(ctx):
        guid = ctx.params["guid"]
        if not is_guid(guid):
            raise BadRequest("The GUID was malformed", field="guid")
        catalog = _catalog(ctx)
        entity = entities(catalog).get(guid.lower())
        if entity is None:
            raise NotFound(NOT_FOUND.format(entity=entity_type, guid=guid))
        return render(catalog, entity)
    return get_one


def tip_withholding(ctx):
    return views.tip_withholding(_catalog(ctx))


OPERATIONS = {
    "alternatePaymentTypesGet": _lister("alternatePaymentTypes"),
    "alternatePaymentTypesGuidGet": _getter("alternatePaymentTypes", "AlternatePaymentType"),
    "breakTypesGet": _lister("breakTypes"),
    "breakTypesGuidGet": _getter("breakTypes", "BreakType"),
    "cashDrawersGet": _lister("cashDrawers"),
    "cashDrawersGuidGet": _getter("cashDrawers", "CashDrawer"),
    "diningOptionsGet": _lister("diningOptions"),
    "diningOptionsGuidGet": _getter("diningOptions", "DiningOption"),
    "discountsGet": _lister("discounts"),
    "discountsGuidGet": _getter("discounts", "Discount"),
    "menuGroupsGet": _lister("menuGroups"),
    "menuGroupsGuidGet": _getter("menuGroups", "MenuGroup"),
    "menuItemsGet": _lister("menuItems"),
    "menuItemsGuidGet": _getter("menuItems", "MenuItem"),
    "menuOptionGroupsGet": _lister("menuOptionGroups"),
    "menuOptionGroupsGuidGet": _getter("menuOptionGroups", "MenuOptionGroup"),
    "menusGet": _lister("menus"),
    "menusGuidGet": _getter("menus", "Menu"),
    "preModifiersGet": _lister("preModifiers"),
    "preModifiersGuidGet": _getter("preModifiers", "PreModifier"),
    "preModifierGroupsGet": _lister("preModifierGroups"),
    "preModifierGroupsGuidGet": _getter("preModifierGroups", "PreModifierGroup"),
    "noSaleReasonsGet": _lister("noSaleReasons"),
    "noSaleReasonsGuidGet": _getter("noSaleReasons", "NoSaleReason"),
    "payoutReasonsGet": _lister("payoutReasons"),
    "payoutReasonsGuidGet": _getter("payoutReasons", "PayoutReason"),
    "priceGroupsGet": _lister("priceGroups"),
    "priceGroupsGuidGet": _getter("priceGroups", "PriceGroup"),
    "printersGet": _lister("printers"),
    "printersGuidGet": _getter("printers", "Printer"),
    "salesCategoriesGet": _lister("salesCategories"),
    "salesCategoriesGuidGet": _getter("salesCategories", "SalesCategory"),
    "serviceAreasGet": _lister("serviceAreas"),
    "serviceAreasGuidGet": _getter("serviceAreas", "ServiceArea"),
    "serviceChargesGet": _lister("serviceCharges"),
    "serviceChargesGuidGet": _getter("serviceCharges", "ServiceCharge"),
    "revenueCentersGet": _lister("revenueCenters"),
    "revenueCentersGuidGet": _getter("revenueCenters", "RevenueCenter"),
    "restaurantServicesGet": _lister("restaurantServices"),
    "restaurantServicesGuidGet": _getter("restaurantServices", "RestaurantService"),
    "tablesGet": _lister("tables"),
    "tablesGuidGet": _getter("tables", "Table"),
    "taxRatesGet": _lister("taxRates"),
    "taxRatesGuidGet": _getter("taxRates", "TaxRate"),
    "tipWithholdingGet": tip_withholding,
    "voidReasonsGet": _lister("voidReasons"),
    "voidReasonsGuidGet": _getter("voidReasons", "VoidReason"),
}
