"""Turn request bodies into orders, checks, selections, discounts, charges and payments, checked against the menu."""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sandbox.core.clock import parse_instant
from sandbox.core.errors import BadRequest, NotFound, PayloadTooLarge
from sandbox.toast.access import is_guid
from sandbox.toast.dates import business_date, closeout
from sandbox.toast.orders import errors
from sandbox.toast.orders.guests import CurbsidePickup, Customer, DeliveryInfo, Loyalty
from sandbox.toast.orders.models import ZERO, AppliedDiscount, AppliedServiceCharge, Check, Order, Payment, Selection
from sandbox.toast.orders.pricing import cents

MAX_CHECKS = 30
# E-mail addresses the orders API takes: at most 53 characters of a-z, A-Z, 0-9 and _, prefix@domain. Dots and
# hyphens are taken as separators (every domain needs a dot; judgement), anything else is refused.
MAX_EMAIL = 53
EMAIL = re.compile(r"^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*@[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*\.[A-Za-z0-9_]+$")
# The spec's Payment.type: only OTHER and CREDIT may be posted; cash is an OTHER payment option of the restaurant.
API_PAYMENT_TYPES = ("OTHER", "CREDIT")
# Orders promised this far ahead (or more) wait as FUTURE orders instead of going to the kitchen.
FUTURE_AFTER_SECONDS = 2 * 3600
# The prep time of a take-out or delivery order that names none: the spec's POST /orders example response shows
# `requiredPrepTime: PT15M` and the order ready 15 minutes after it opened.
DEFAULT_PREP_TIME = "PT15M"
PREP_TIME = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")
# The restaurant service of an order follows its local time: Lunch before 16:00, Dinner after (the seeded services).
DINNER_FROM_HOUR = 16


def restaurant_service(catalog, instant, restaurant):
    """The GUID of the restaurant service (Lunch, Dinner) an order opened at `instant` belongs to."""
    hour = datetime.fromtimestamp(instant, ZoneInfo(restaurant.time_zone)).hour
    wanted = "Lunch" if hour < DINNER_FROM_HOUR else "Dinner"
    return next((guid for guid, s in catalog.named["restaurantServices"].items() if s.name == wanted), None)


def prep_seconds(text):
    """Seconds of an ISO-8601 `requiredPrepTime`; 400 unless it is above zero and in steps of five minutes."""
    match = PREP_TIME.match(text) if isinstance(text, str) else None
    seconds = (int(match[1] or 0) * 3600 + int(match[2] or 0) * 60 + int(match[3] or 0)) if match else 0
    if seconds <= 0 or seconds % 300:
        raise BadRequest(errors.PREP_TIME_INVALID, field="requiredPrepTime")
    return seconds


def _decimal(value, field):
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise BadRequest(f"{field}: not a number", field=field) from exc


def stored_phone(phone):
    """A phone number as the platform stores it: its digits only (`555-555-5555` -> `5555555555`)."""
    return re.sub(r"\D", "", phone) if phone else phone


def _instant(text):
    return parse_instant(text).timestamp() if text else None


class Builder:
    """Builds order pieces for one restaurant; `new_guid()` gives GUIDs (None for POST /prices)."""

    def __init__(self, restaurant, catalog, now, new_guid, server=None):
        self.restaurant = restaurant
        self.server = server                # the employee payments and orders made through the API are put on
        self.catalog = catalog
        self.now = now
        self.new_guid = new_guid
        self.priced_at = now              # time-specific prices follow the order's time (set by `order`)

    # References -----------------------------------------------------------------------------------------------

    def _guid(self, reference, entity, field, required=True):
        guid = (reference or {}).get("guid")
        if guid is None:
            if required:
                raise BadRequest(errors.GUID_REQUIRED.format(entity=entity), field=field)
            return None
        if not is_guid(guid):
            raise BadRequest(errors.GUID_MALFORMED, field=field)
        return guid.lower()

    def _lookup(self, collection, reference, entity, field, required=True):
        guid = self._guid(reference, entity, field, required)
        if guid is None:
            return None
        found = collection.get(guid)
        if found is None:
            raise NotFound(errors.NOT_FOUND_REFERENCE.format(entity=entity, guid=guid), field=field)
        return found

    def _item(self, reference, field):
        reference = reference or {}
        if reference.get("guid") is None and reference.get("multiLocationId") is None:
            raise BadRequest(errors.ITEM_REFERENCE, field=field)
        if reference.get("guid") is not None:
            return self._lookup(self.catalog.menu_items, reference, "MenuItem", field)
        item = self.catalog.item_by_multi_location_id(reference["multiLocationId"])
        if item is None:
            raise NotFound(errors.NOT_FOUND_REFERENCE.format(entity="MenuItem", guid=reference["multiLocationId"]),
                           field=field)
        return item

    # Pieces ---------------------------------------------------------------------------------------------------

    def selection(self, body, field):
        """A menu item selection with its modifiers and item-level discounts."""
        item = self._item(body.get("item"), f"{field}.item")
        group = body.get("itemGroup")
        if group and group.get("guid") is not None:
            group_guid = self._guid(group, "MenuGroup", f"{field}.itemGroup")
            if group_guid != item.group_guid:
                raise BadRequest(errors.ITEM_NOT_IN_GROUP.format(item=item.guid, group=group_guid),
                                 field=f"{field}.itemGroup")
        quantity = _decimal(body.get("quantity", 1), f"{field}.quantity")
        if quantity <= 0:
            raise BadRequest(errors.QUANTITY_POSITIVE, field=f"{field}.quantity")
        modifiers, size_price = self._modifiers(item, body.get("modifiers") or [], f"{field}.modifiers")
        price = item.price_at(datetime.fromtimestamp(self.priced_at, ZoneInfo(self.restaurant.time_zone))) \
            if item.time_prices else item.price
        if size_price is not None:          # a SIZE_PRICE item costs what its chosen size does
            price = size_price
        if body.get("externalPriceAmount") is not None:
            price = cents(_decimal(body["externalPriceAmount"], f"{field}.externalPriceAmount"))
            if price < 0:
                raise BadRequest(errors.NEGATIVE_PRICE.format(item=item.guid), field=f"{field}.externalPriceAmount")
        selection = Selection(self.new_guid(), item.guid, item.multi_location_id, item.group_guid, item.name, price,
                              quantity, item.sales_category_guid, item.plu, self.now, list(item.tax_rate_guids),
                              external_id=body.get("externalId"))
        selection.modifiers = modifiers
        if len(body.get("appliedDiscounts") or []) > 1:
            raise BadRequest(errors.ONE_SELECTION_DISCOUNT, field=f"{field}.appliedDiscounts[1]")
        for index, raw in enumerate(body.get("appliedDiscounts") or []):
            selection.discounts.append(self.discount(raw, "ITEM", f"{field}.appliedDiscounts[{index}]",
                                                     selection.guid))
        return selection

    def _modifiers(self, item, raws, field):
        """The modifier selections, and the chosen size's price for a SIZE_PRICE item (the size itself then
        adds nothing, so the item's price is its receiptLinePrice); None without a size. Options of a group that
        prices them (by size and/or sequence) cost what its rules say for their position and the item's size."""
        chosen = []
        size_price = size_name = None
        group_priced = []
        counts = {guid: 0 for guid in item.modifier_group_guids}
        for index, raw in enumerate(raws):
            where = f"{field}[{index}]"
            option = self._lookup(self.catalog.modifier_options, raw.get("item"), "MenuItem", f"{where}.item")
            group_guid = self._guid(raw.get("optionGroup"), "MenuOptionGroup", f"{where}.optionGroup",
                                    required=False) or option.group_guid
            if group_guid != option.group_guid or group_guid not in counts:
                raise BadRequest(errors.MODIFIER_NOT_ALLOWED.format(option=option.guid, group=group_guid,
                                                                    item=item.guid), field=f"{where}.item")
            counts[group_guid] += 1
            quantity = _decimal(raw.get("quantity", 1), f"{where}.quantity")
            if quantity <= 0:
                raise BadRequest(errors.QUANTITY_POSITIVE, field=f"{where}.quantity")
            price = option.price
            group = self.catalog.modifier_groups[group_guid]
            if group.sizes_of == item.guid:
                size_price, size_name, price = option.price, option.name, ZERO
            elif group.pricing_strategy != "NONE":
                group_priced.append((len(chosen), group, counts[group_guid]))
            chosen.append(Selection(self.new_guid(), option.guid, option.multi_location_id, group_guid, option.name,
                                    price, quantity, item.sales_category_guid, None, self.now,
                                    list(option.tax_rate_guids), external_id=raw.get("externalId"),
                                    is_modifier=True,
                                    pre_modifier_guid=self._optional(self.catalog.named["preModifiers"],
                                                                     raw.get("preModifier"), "PreModifier",
                                                                     f"{where}.preModifier")))
        for position, group, sequence in group_priced:
            chosen[position].unit_price = group.option_price(sequence, size_name)
        for group_guid, count in counts.items():
            group = self.catalog.modifier_groups[group_guid]
            if not group.min_selections <= count <= group.max_selections:
                raise BadRequest(errors.MODIFIER_COUNT.format(item=item.guid, min=group.min_selections,
                                                              max=group.max_selections, group=group.guid,
                                                              count=count), field=field)
        return chosen, size_price

    def discount(self, body, level, field, selection_guid=None):
        """An applied discount at ITEM or CHECK level, from the restaurant's configured discounts."""
        discount = self._lookup(self.catalog.discounts, body.get("discount"), "Discount", f"{field}.discount")
        if discount.selection_type != level:
            expected = "checks" if discount.selection_type == "CHECK" else "items"
            raise BadRequest(errors.DISCOUNT_LEVEL.format(guid=discount.guid, expected=expected,
                                                          actual=level.lower()), field=f"{field}.discount")
        return AppliedDiscount(self.new_guid(), discount.guid, discount.name, discount.type, discount.percentage,
                               discount.amount, external_id=body.get("externalId"),
                               trigger_selection_guid=selection_guid)

    def service_charge(self, body, field):
        charge = self._lookup(self.catalog.service_charges, body.get("serviceCharge"), "ServiceCharge",
                              f"{field}.serviceCharge")
        return AppliedServiceCharge(self.new_guid(), charge.guid, charge.name, charge.amount_type, charge.amount,
                                    charge.percent, charge.gratuity, charge.taxable, list(charge.tax_rate_guids),
                                    external_id=body.get("externalId"))

    def payment(self, body, order, check, field):
        """A payment an integration adds (OTHER or CREDIT); the check's order gives its business date. A CREDIT
        payment stays AUTHORIZED, its tip adjustable, until the business day closes out and captures it."""
        if body.get("type") not in API_PAYMENT_TYPES:
            raise BadRequest(errors.PAYMENT_TYPE.format(type=body.get("type")), field=f"{field}.type")
        if body["type"] == "OTHER" and not body.get("otherPayment"):
            raise BadRequest(errors.OTHER_PAYMENT_REQUIRED, field=f"{field}.otherPayment")
        amount = cents(_decimal(body["amount"], f"{field}.amount"))
        tip = cents(_decimal(body.get("tipAmount") or 0, f"{field}.tipAmount"))
        if amount <= 0:
            raise BadRequest(errors.AMOUNT_POSITIVE, field=f"{field}.amount")
        if tip < 0:
            raise BadRequest(errors.TIP_NEGATIVE, field=f"{field}.tipAmount")
        other = None
        if body["type"] == "OTHER":
            other = self._lookup(self.catalog.named["alternatePaymentTypes"], body["otherPayment"],
                                 "AlternatePaymentType", f"{field}.otherPayment").guid
        tendered = body.get("amountTendered")
        return Payment(self.new_guid(), body["type"], amount, tip, self.now, business_date(self.now, self.restaurant),
                       order.guid, check.guid, other_payment_guid=other,
                       amount_tendered=cents(_decimal(tendered, f"{field}.amountTendered")) if tendered else None,
                       external_id=body.get("externalId"), server_guid=self.server,
                       status="AUTHORIZED" if body["type"] == "CREDIT" else "CAPTURED")

    def _customer(self, body, field, required):
        if not body:
            if required:
                raise BadRequest(errors.FIRST_NAME_EMPTY, field=f"{field}.firstName")
            return None
        if required and not (body.get("firstName") or "").strip():
            raise BadRequest(errors.FIRST_NAME_EMPTY, field=f"{field}.firstName")
        if required and not (body.get("phone") or "").strip():
            raise BadRequest(errors.PHONE_EMPTY, field=f"{field}.phone")
        email = body.get("email")
        if email is not None and not (len(email) <= MAX_EMAIL and EMAIL.match(email)):
            raise BadRequest(errors.EMAIL_INVALID.format(limit=MAX_EMAIL), field=f"{field}.email")
        return Customer(self.new_guid(), body.get("firstName"), body.get("lastName"), stored_phone(body.get("phone")),
                        email)

    def _delivery(self, body):
        if not body or not (body.get("address1") or "").strip():
            raise BadRequest(errors.ADDRESS1_EMPTY, field="deliveryInfo.address1")
        return DeliveryInfo(body["address1"], body.get("city"), body.get("state"), body.get("zipCode"),
                            address2=body.get("address2"), country=body.get("country"),
                            latitude=body.get("latitude"), longitude=body.get("longitude"), notes=body.get("notes"))

    def _curbside(self, body):
        if not body:
            return None
        return CurbsidePickup(self.new_guid(), body.get("transportDescription"), body.get("transportColor"),
                              body.get("notes"))

    def check(self, body, order, field):
        check = Check(self.new_guid(), body.get("displayNumber") or order.display_number, order.opened, self.now,
                      external_id=body.get("externalId"), tab_name=body.get("tabName"),
                      tax_exempt=bool(body.get("taxExempt")), opened_by=self.server)
        check.customer = self._customer(body.get("customer"), f"{field}.customer",
                                        required=order.dining_behavior in ("TAKE_OUT", "DELIVERY"))
        loyalty = body.get("appliedLoyaltyInfo")
        if loyalty:
            check.loyalty = Loyalty(self.new_guid(), loyalty["loyaltyIdentifier"], loyalty["vendor"],
                                    loyalty.get("maskedLoyaltyIdentifier"))
        for index, raw in enumerate(body["selections"]):
            check.selections.append(self.selection(raw, f"{field}.selections[{index}]"))
        if len(body.get("appliedDiscounts") or []) > 1:
            raise BadRequest(errors.ONE_CHECK_DISCOUNT, field=f"{field}.appliedDiscounts[1]")
        for index, raw in enumerate(body.get("appliedDiscounts") or []):
            check.discounts.append(self.discount(raw, "CHECK", f"{field}.appliedDiscounts[{index}]"))
        for index, raw in enumerate(body.get("appliedServiceCharges") or []):
            check.service_charges.append(self.service_charge(raw, f"{field}.appliedServiceCharges[{index}]"))
        return check

    def order(self, body, display_number):
        """A new order (not yet priced or paid); payments in the body are returned for the caller to add."""
        dining = self._lookup(self.catalog.dining_options, body.get("diningOption"), "DiningOption", "diningOption")
        checks = body["checks"]
        if len(checks) > MAX_CHECKS:
            raise PayloadTooLarge(errors.TOO_MANY_CHECKS.format(limit=MAX_CHECKS), field="checks")
        opened = _instant(body.get("openedDate")) or self.now
        promised = _instant(body.get("promisedDate"))
        day = business_date(promised or opened, self.restaurant)
        self.priced_at = promised or opened
        order = Order(self.new_guid(), self.restaurant.guid, dining.guid, dining.behavior, opened, self.now,
                      self.now, day, closeout(day, self.restaurant), display_number,
                      promised=promised, external_id=body.get("externalId"),
                      number_of_guests=body.get("numberOfGuests") or 1, channel_guid=body.get("channelGuid"),
                      approval_status="FUTURE" if promised and promised - self.now >= FUTURE_AFTER_SECONDS
                      else "APPROVED")
        prep = body.get("requiredPrepTime")
        if dining.behavior != "DINE_IN":
            prep = prep or DEFAULT_PREP_TIME
            order.estimated_fulfillment = promised or self.now + prep_seconds(prep)
        elif prep:
            prep_seconds(prep)
        order.required_prep_time = prep
        order.revenue_center_guid = self._optional(self.catalog.revenue_centers, body.get("revenueCenter"),
                                                   "RevenueCenter", "revenueCenter")
        table = self._lookup(self.catalog.tables, body["table"], "Table", "table", required=False) \
            if body.get("table") else None
        order.table_guid = table.guid if table else None
        # The table's service area and the time's restaurant service, as the POS fills them in.
        order.service_area_guid = table.service_area_guid if table else \
            self._optional(self.catalog.service_areas, body.get("serviceArea"), "ServiceArea", "serviceArea")
        order.restaurant_service_guid = restaurant_service(self.catalog, opened, self.restaurant)
        order.server_guid = self.server
        order.curbside = self._curbside(body.get("curbsidePickupInfo"))
        if dining.behavior == "DELIVERY":
            order.delivery_info = self._delivery(body.get("deliveryInfo"))
        payments = []
        for index, raw in enumerate(checks):
            check = self.check(raw, order, f"checks[{index}]")
            order.checks.append(check)
            payments.extend((check, raw_payment, f"checks[{index}].payments[{n}]")
                            for n, raw_payment in enumerate(raw.get("payments") or []))
        return order, payments

    def _optional(self, collection, reference, entity, field):
        found = self._lookup(collection, reference, entity, field, required=False) if reference else None
        return found.guid if found else None
