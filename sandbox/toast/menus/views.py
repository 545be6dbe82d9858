"""The Menus v2 document of a Catalog: menus, groups and items, with modifier groups and options by reference id."""

from sandbox.toast.dates import toast_date

_VISIBILITY = ["POS", "KIOSK", "TOAST_ONLINE_ORDERING", "ORDERING_PARTNERS"]
PRE_MODIFIER_GROUP_REFERENCE = 9001        # the restaurant's one pre-modifier group


def _common(entity, position):
    """Fields every menu entity shares."""
    return {"name": entity.name, "guid": entity.guid, "multiLocationId": entity.multi_location_id,
            "masterId": int(entity.multi_location_id), "posName": entity.name, "posButtonColorLight": "#E5E5E5",
            "posButtonColorDark": "#4A4A4A", "visibility": list(_VISIBILITY), "sortOrder": position}


def _pricing_rules(item):
    """PricingRules for time-specific and size prices (None for a base price)."""
    if item.pricing_strategy == "TIME_SPECIFIC_PRICE":
        return {"timeSpecificPricingRules": [{"timeSpecificPrice": float(price), "basePrice": float(item.price),
                                              "schedule": schedule} for price, schedule in item.time_prices],
                "sizeSpecificPricingGuid": None, "sizeSequencePricingRules": None}
    if item.pricing_strategy == "SIZE_PRICE":
        return {"timeSpecificPricingRules": None, "sizeSpecificPricingGuid": item.size_group_guid,
                "sizeSequencePricingRules": None}
    return None


def _item(catalog, item, position):
    category = catalog.named["salesCategories"].get(item.sales_category_guid)
    return {
        **_common(item, position), "kitchenName": item.name, "description": None, "image": None,
        "price": None if item.pricing_strategy == "SIZE_PRICE" else float(item.price),
        "pricingStrategy": item.pricing_strategy, "pricingRules": _pricing_rules(item), "isDeferred": False,
        "isDiscountable": True, "salesCategory": {"name": category.name, "guid": category.guid} if category else None,
        "taxInfo": list(item.tax_rate_guids), "taxInclusion": "TAX_NOT_INCLUDED",
        "itemTags": [{"name": name, "guid": catalog.item_tags[name]} for name in item.tags], "plu": item.plu,
        "sku": item.sku, "calories": None,
        "contentAdvisories": {"alcohol": {"containsAlcohol": "YES" if "Alcohol" in item.tags else "NO"}},
        "unitOfMeasure": "NONE", "portions": [], "prepTime": None, "prepStations": [],
        "modifierGroupReferences": [catalog.modifier_groups[g].reference_id for g in item.modifier_group_guids],
        "eligiblePaymentAssistancePrograms": [],
        "allergens": [{"guid": catalog.allergens[code], "code": code, "groupGuid": None, "groupCode": None,
                       "presenceType": "CONTAINS"} for code in item.allergens],
        "length": None, "height": None, "width": None,
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


def _group_pricing_rules(group):
    """A group that prices its options: their sizes (matched by name to the item's) and prices by sequence."""
    if group.pricing_strategy == "NONE":
        return None
    return {"timeSpecificPricingRules": [], "sizeSpecificPricingGuid": None,
            "sizeSequencePricingRules": [{"sizeName": rule["sizeName"], "sizeGuid": rule["sizeGuid"],
                                          "sequencePrices": [{"sequence": n, "price": float(price)}
                                                             for n, price in enumerate(rule["prices"], 1)]}
                                         for rule in group.pricing_rules]}


def _modifier_group(catalog, group):
    return {**_common(group, group.reference_id), "referenceId": group.reference_id,
            "pricingStrategy": group.pricing_strategy, "pricingRules": _group_pricing_rules(group),
            "defaultOptionsChargePrice": "NO", "defaultOptionsSubstitutionPricing": "NO",
            "minSelections": group.min_selections, "maxSelections": group.max_selections,
            "requiredMode": "REQUIRED" if group.min_selections else "OPTIONAL",
            "isMultiSelect": group.max_selections > 1,
            "preModifierGroupReference": PRE_MODIFIER_GROUP_REFERENCE if group.pre_modifiers else None,
            "modifierOptionReferences": [catalog.modifier_options[o].reference_id for o in group.option_guids]}


def _modifier_option(option, group):
    group_priced = group.pricing_strategy != "NONE"          # GROUP_PRICE: its group's rules give its price
    return {**_common(option, option.reference_id), "referenceId": option.reference_id, "kitchenName": option.name,
            "description": None, "prepStations": [], "image": None,
            "price": None if group_priced else float(option.price),
            "pricingStrategy": "GROUP_PRICE" if group_priced else "BASE_PRICE", "pricingRules": None, "salesCategory": None, "taxInfo": [],
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
        "modifierOptionReferences": {str(o.reference_id): _modifier_option(o, catalog.modifier_groups[o.group_guid])
                                     for o in catalog.modifier_options.values()},
        "preModifierGroupReferences": _pre_modifier_groups(catalog),
    }


def _pre_modifier_groups(catalog):
    """The pre-modifier group by reference id (its pre-modifiers change no price, as in config)."""
    group = next(iter(catalog.named["preModifierGroups"].values()), None)
    if group is None:
        return {}
    return {str(PRE_MODIFIER_GROUP_REFERENCE): {
        "name": group.name, "guid": group.guid, "multiLocationId": None,
        "preModifiers": [{"name": p.name, "guid": p.guid, "multiLocationId": None, "fixedPrice": 0.0,
                          "multiplicationFactor": None, "displayMode": "PREFIX", "posName": p.name,
                          "posButtonColorLight": None, "posButtonColorDark": None, "chargeAsExtra": False,
                          "plu": None} for p in catalog.named["preModifiers"].values()]}}
