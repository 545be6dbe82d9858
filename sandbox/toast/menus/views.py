"""The Menus v2 document of a Catalog: menus, groups and items, with modifier groups and options by reference id."""

from sandbox.toast.dates import toast_date

_VISIBILITY = ["POS", "KIOSK", "TOAST_ONLINE_ORDERING", "ORDERING_PARTNERS"]
_ALCOHOLIC = ("Local IPA",)


def _common(entity, position):
    """Fields every menu entity shares."""
    return {"name": entity.name, "guid": entity.guid, "multiLocationId": entity.multi_location_id,
            "masterId": int(entity.multi_location_id), "posName": entity.name, "posButtonColorLight": "#E5E5E5",
            "posButtonColorDark": "#4A4A4A", "visibility": list(_VISIBILITY), "sortOrder": position}


def _item(catalog, item, position):
    category = catalog.named["salesCategories"].get(item.sales_category_guid)
    return {
        **_common(item, position), "kitchenName": item.name, "description": None, "image": None,
        "price": float(item.price), "pricingStrategy": "BASE_PRICE", "pricingRules": None, "isDeferred": False,
        "isDiscountable": True, "salesCategory": {"name": category.name, "guid": category.guid} if category else None,
        "taxInfo": list(item.tax_rate_guids), "taxInclusion": "TAX_NOT_INCLUDED", "itemTags": [], "plu": item.plu,
        "sku": item.sku, "calories": None,
        "contentAdvisories": {"alcohol": {"containsAlcohol": "YES" if item.name in _ALCOHOLIC else "NO"}},
        "unitOfMeasure": "NONE", "portions": [], "prepTime": None, "prepStations": [],
        "modifierGroupReferences": [catalog.modifier_groups[g].reference_id for g in item.modifier_group_guids],
        "eligiblePaymentAssistancePrograms": [], "allergens": [], "length": None, "height": None, "width": None,
        "dimensionUnitOfMeasure": None, "weight": None, "weightUnitOfMeasure": None, "images": [],
        "guestCount": None, "catalogProductInfo": None, "isComboParent": False,
    }


def _group(catalog, group, position):
    return {**_common(group, position), "description": None, "image": None, "itemTags": [], "menuGroups": [],
            "menuItems": [_item(catalog, catalog.menu_items[g], i) for i, g in enumerate(group.item_guids)]}


def _menu(catalog, menu, position):
    return {**_common(menu, position), "description": None, "highResImage": None, "image": None,
            "availability": {"alwaysAvailable": True, "schedule": []},
            "menuGroups": [_group(catalog, catalog.menu_groups[g], i) for i, g in enumerate(menu.group_guids)]}


def _modifier_group(catalog, group):
    return {**_common(group, group.reference_id), "referenceId": group.reference_id, "pricingStrategy": "NONE",
            "pricingRules": None, "defaultOptionsChargePrice": "NO", "defaultOptionsSubstitutionPricing": "NO",
            "minSelections": group.min_selections, "maxSelections": group.max_selections,
            "requiredMode": "REQUIRED" if group.min_selections else "OPTIONAL",
            "isMultiSelect": group.max_selections > 1, "preModifierGroupReference": None,
            "modifierOptionReferences": [catalog.modifier_options[o].reference_id for o in group.option_guids]}


def _modifier_option(option):
    return {**_common(option, option.reference_id), "referenceId": option.reference_id, "kitchenName": option.name,
            "description": None, "prepStations": [], "image": None, "price": float(option.price),
            "pricingStrategy": "BASE_PRICE", "pricingRules": None, "salesCategory": None, "taxInfo": [],
            "modifierOptionTaxInfo": {"taxRateGuids": list(option.tax_rate_guids), "overrideItemTaxRates": False},
            "itemTags": [], "plu": None, "sku": None, "calories": None, "contentAdvisories": None,
            "unitOfMeasure": "NONE", "isDefault": False, "allowsDuplicates": False, "portions": [], "prepTime": None,
            "modifierGroupReferences": [], "length": None, "height": None, "width": None,
            "dimensionUnitOfMeasure": None, "weight": None, "weightUnitOfMeasure": None, "images": [],
            "guestCount": None, "allergens": []}


def metadata(catalog):
    return {"restaurantGuid": catalog.restaurant_guid, "lastUpdated": toast_date(catalog.last_updated)}


def menus_document(catalog, restaurant):
    """The whole `GET /menus/v2/menus` answer for one restaurant."""
    return {
        **metadata(catalog), "restaurantTimeZone": restaurant.time_zone,
        "menus": [_menu(catalog, menu, i) for i, menu in enumerate(catalog.menus.values())],
        "modifierGroupReferences": {str(g.reference_id): _modifier_group(catalog, g)
                                    for g in catalog.modifier_groups.values()},
        "modifierOptionReferences": {str(o.reference_id): _modifier_option(o)
                                     for o in catalog.modifier_options.values()},
        "preModifierGroupReferences": {},
    }
