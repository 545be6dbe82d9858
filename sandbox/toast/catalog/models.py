"""Catalog entities: menus, groups, items, modifiers, prices, taxes, dining options, discounts and the rest."""

from dataclasses import dataclass, field
from decimal import Decimal

from sandbox.toast.catalog.schedule import in_schedule


@dataclass
class Named:
    """A configuration entity that is only a name (void reasons, printers, sales categories, ...)."""

    guid: str
    name: str


@dataclass
class TaxRate:
    guid: str
    name: str
    rate: Decimal            # percent, e.g. Decimal("6.25")
    is_default: bool = True


@dataclass
class DiningOption:
    guid: str
    name: str
    behavior: str            # DINE_IN, TAKE_OUT or DELIVERY
    curbside: bool = False


@dataclass
class RevenueCenter:
    guid: str
    name: str
    description: str = None


@dataclass
class ServiceArea:
    guid: str
    name: str
    revenue_center_guid: str


@dataclass
class Table:
    guid: str
    name: str
    service_area_guid: str
    revenue_center_guid: str


@dataclass
class Discount:
    guid: str
    name: str
    type: str                # PERCENT or FIXED
    selection_type: str      # CHECK or ITEM
    percentage: Decimal = None
    amount: Decimal = None
    active: bool = True
    promo_codes: list = field(default_factory=list)   # [{"guid", "code", "name", "usageType"}]: codes unlock it


@dataclass
class ServiceCharge:
    guid: str
    name: str
    amount_type: str         # FIXED or PERCENT
    amount: Decimal = None
    percent: Decimal = None
    gratuity: bool = False
    taxable: bool = False
    tax_rate_guids: list = field(default_factory=list)


@dataclass
class ModifierOption:
    guid: str
    name: str
    price: Decimal
    group_guid: str
    multi_location_id: str
    reference_id: int
    tax_rate_guids: list = field(default_factory=list)


@dataclass
class ModifierGroup:
    guid: str
    name: str
    min_selections: int
    max_selections: int
    multi_location_id: str
    reference_id: int
    option_guids: list = field(default_factory=list)
    pre_modifiers: bool = False          # its options can take a pre-modifier (No, Extra, On the Side)
    sizes_of: str = None                 # the item whose sizes these options are (SIZE_PRICE)
    # NONE (each option has its price), or the group prices its options: SIZE_PRICE, SEQUENCE_PRICE or
    # SIZE_SEQUENCE_PRICE, by rules [{"sizeName", "sizeGuid", "prices": [Decimal, ...]}] (sizeName None: any size).
    pricing_strategy: str = "NONE"
    pricing_rules: list = field(default_factory=list)

    def option_price(self, sequence, size_name):
        """What the `sequence`-th option (from 1) chosen from this group costs on an item of size `size_name`: the
        rule of that size (the first rule when none matches), its price at that position or its last price."""
        rule = next((r for r in self.pricing_rules if r["sizeName"] == size_name), self.pricing_rules[0])
        return rule["prices"][min(sequence, len(rule["prices"])) - 1]


@dataclass
class MenuItem:
    guid: str
    name: str
    price: Decimal
    menu_guid: str
    group_guid: str
    multi_location_id: str
    sales_category_guid: str
    sku: str
    plu: str
    modifier_group_guids: list = field(default_factory=list)
    tax_rate_guids: list = field(default_factory=list)
    pricing_strategy: str = "BASE_PRICE"   # or TIME_SPECIFIC_PRICE, SIZE_PRICE (price in the size option)
    time_prices: list = field(default_factory=list)   # [(Decimal price, schedule)], first match wins
    size_group_guid: str = None
    tags: list = field(default_factory=list)          # item tag names
    allergens: list = field(default_factory=list)     # allergen codes

    def price_at(self, local):
        """The price at a local datetime: a time-specific price whose schedule holds it, else the base price."""
        return next((price for price, schedule in self.time_prices if in_schedule(schedule, local)), self.price)


@dataclass
class MenuGroup:
    guid: str
    name: str
    menu_guid: str
    multi_location_id: str
    item_guids: list = field(default_factory=list)


@dataclass
class Menu:
    guid: str
    name: str
    multi_location_id: str
    group_guids: list = field(default_factory=list)


@dataclass
class Catalog:
    """Everything one restaurant sells and how it is configured; dicts are keyed by GUID."""

    restaurant_guid: str
    last_updated: float                                   # epoch seconds of the last menu publish
    tax_rates: dict = field(default_factory=dict)
    dining_options: dict = field(default_factory=dict)
    revenue_centers: dict = field(default_factory=dict)
    service_areas: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    discounts: dict = field(default_factory=dict)
    service_charges: dict = field(default_factory=dict)
    menus: dict = field(default_factory=dict)
    menu_groups: dict = field(default_factory=dict)
    menu_items: dict = field(default_factory=dict)
    modifier_groups: dict = field(default_factory=dict)
    modifier_options: dict = field(default_factory=dict)
    # Name-only configuration: void reasons, alternate payment types, sales categories, ...
    named: dict = field(default_factory=dict)             # collection name -> {guid: Named}
    tip_withholding_percentage: Decimal = Decimal("0")
    item_tags: dict = field(default_factory=dict)         # tag name -> guid
    allergens: dict = field(default_factory=dict)         # allergen code -> guid
    stock: dict = field(default_factory=dict)             # item guid -> {"status", "quantity"} once it changed

    def item_by_multi_location_id(self, multi_location_id):
        """The item with this multiLocationId, or None."""
        return next((i for i in self.menu_items.values() if i.multi_location_id == str(multi_location_id)), None)
