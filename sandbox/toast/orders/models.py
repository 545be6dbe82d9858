"""Orders, checks, selections, discounts, service charges and payments, and their wire form."""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sandbox.toast.dates import toast_date
# Guests' data lives in guests.py; imported here too, so world exports that name these types here still load.
from sandbox.toast.orders.guests import Customer, DeliveryInfo  # noqa: F401

ZERO = Decimal("0.00")
# The spec's Order.deletedDate and Check.deletedDate: the Unix epoch while not deleted.
NOT_DELETED = "1970-01-01T00:00:00.000+0000"


def money(value):
    """A Decimal amount as the JSON number the platform sends."""
    return None if value is None else float(value)


def ref(guid, entity_type, external_id=None):
    """A `{guid, entityType}` reference (None when there is no guid)."""
    if guid is None:
        return None
    return {"guid": guid, "entityType": entity_type, "externalId": external_id}


@dataclass(slots=True)
class AppliedTax:
    tax_rate_guid: str
    name: str
    rate: Decimal                      # percent
    amount: Decimal = ZERO

    def to_dict(self, owner_guid):
        # Stable GUIDs derived from the owner, so re-pricing never renames an applied tax.
        guid = str(uuid.uuid5(uuid.UUID(owner_guid), self.tax_rate_guid)) if owner_guid else None
        return {"guid": guid, "entityType": "AppliedTaxRate", "taxRate": {"guid": self.tax_rate_guid,
                                                                          "entityType": "TaxRate"},
                "name": self.name, "rate": float(self.rate / 100), "taxAmount": money(self.amount), "type": "PERCENT",
                "facilitatorCollectAndRemitTax": False, "displayName": self.name, "jurisdiction": None,
                "jurisdictionType": None}


@dataclass(slots=True)
class AppliedDiscount:
    guid: str
    discount_guid: str
    name: str
    type: str                          # PERCENT or FIXED
    percent: Decimal = None
    fixed: Decimal = None
    amount: Decimal = ZERO
    external_id: str = None
    processing_state: str = None       # loyalty rewards only (the spec): null for the restaurant's own discounts
    trigger_selection_guid: str = None

    def to_dict(self):
        return {"guid": self.guid, "entityType": "AppliedDiscount", "externalId": self.external_id,
                "name": self.name, "discountAmount": money(self.amount), "nonTaxDiscountAmount": 0.0,
                "discount": {"guid": self.discount_guid, "entityType": "Discount"},
                "triggers": [{"selection": ref(self.trigger_selection_guid, "MenuItemSelection"), "quantity": 1.0}]
                if self.trigger_selection_guid else [],
                "approver": None, "processingState": self.processing_state, "appliedDiscountReason": None,
                "loyaltyDetails": None, "comboItems": [], "appliedPromoCode": None, "discountType": self.type,
                "discountPercent": float(self.percent) if self.percent is not None else None}


@dataclass(slots=True)
class Selection:
    guid: str
    item_guid: str
    multi_location_id: str
    group_guid: str                    # the menu group (items) or the modifier group (modifiers)
    name: str
    unit_price: Decimal
    quantity: Decimal
    sales_category_guid: str
    plu: str
    created: float
    tax_rate_guids: list
    modifiers: list = field(default_factory=list)
    discounts: list = field(default_factory=list)
    external_id: str = None
    is_modifier: bool = False
    pre_discount_price: Decimal = ZERO
    price: Decimal = ZERO
    tax: Decimal = ZERO
    applied_taxes: list = field(default_factory=list)
    voided: bool = False
    void_date: float = None
    void_business_date: int = None
    fulfillment_status: str = "NEW"
    modified: float = None
    seat_number: int = -1              # -1: not seated; 0: shared; 1..n: a guest's seat
    pre_modifier_guid: str = None
    void_reason_guid: str = None

    @property
    def unit_with_modifiers(self):
        return self.unit_price + sum((m.unit_price * m.quantity for m in self.modifiers), ZERO)

    def to_dict(self, dining=None):
        """The selection; `dining` is the order's dining option reference (modifiers carry none)."""
        return {
            "guid": self.guid, "entityType": "MenuItemSelection", "externalId": self.external_id,
            "item": {"guid": self.item_guid, "entityType": "MenuItem", "multiLocationId": self.multi_location_id,
                     "externalId": None},
            "itemGroup": None if self.is_modifier else {"guid": self.group_guid, "entityType": "MenuGroup",
                                                        "multiLocationId": None, "externalId": None},
            "optionGroup": {"guid": self.group_guid, "entityType": "MenuOptionGroup", "multiLocationId": None,
                            "externalId": None} if self.is_modifier else None,
            "preModifier": ref(self.pre_modifier_guid, "PreModifier"), "quantity": float(self.quantity),
            "seatNumber": self.seat_number, "unitOfMeasure": "NONE",
            "selectionType": "NONE",
            "salesCategory": {"guid": self.sales_category_guid, "entityType": "SalesCategory",
                              "multiLocationId": None, "externalId": None},
            "appliedDiscounts": [d.to_dict() for d in self.discounts], "deferred": False,
            "preDiscountPrice": money(self.pre_discount_price), "price": money(self.price), "tax": money(self.tax),
            "voided": self.voided, "voidDate": toast_date(self.void_date), "voidBusinessDate": self.void_business_date,
            "voidReason": ref(self.void_reason_guid, "VoidReason"), "refundDetails": None, "displayName": self.name,
            "plu": self.plu,
            "premodifierPlu": None, "createdDate": toast_date(self.created),
            "modifiedDate": toast_date(self.modified or self.created),
            "modifiers": [m.to_dict() for m in self.modifiers], "fulfillmentStatus": self.fulfillment_status,
            "fulfillment": None, "taxInclusion": "NOT_INCLUDED",
            "appliedTaxes": [t.to_dict(self.guid) for t in self.applied_taxes],
            "diningOption": dining, "receiptLinePrice": money(self.unit_price),
            "optionGroupPricingMode": "ADJUSTS_PRICE" if self.is_modifier else None, "splitOrigin": None,
        }


@dataclass(slots=True)
class AppliedServiceCharge:
    guid: str
    service_charge_guid: str
    name: str
    charge_type: str                   # FIXED or PERCENT
    fixed: Decimal
    percent: Decimal
    gratuity: bool
    taxable: bool
    tax_rate_guids: list
    external_id: str = None
    charge_amount: Decimal = ZERO
    applied_taxes: list = field(default_factory=list)

    def to_dict(self, behavior):
        return {"guid": self.guid, "entityType": "AppliedServiceCharge", "externalId": self.external_id,
                "chargeAmount": money(self.charge_amount),
                "serviceCharge": {"guid": self.service_charge_guid, "entityType": "ServiceCharge",
                                  "externalId": None},
                "chargeType": self.charge_type, "name": self.name, "delivery": behavior == "DELIVERY",
                "takeout": behavior == "TAKE_OUT", "dineIn": behavior == "DINE_IN", "gratuity": self.gratuity,
                "taxable": self.taxable,
                "appliedTaxes": [t.to_dict(self.guid) for t in self.applied_taxes],
                "serviceChargeCalculation": "PRE_DISCOUNT", "refundDetails": None,
                "serviceChargeCategory": "SERVICE_CHARGE", "paymentGuid": None}


@dataclass(slots=True)
class Payment:
    guid: str
    type: str
    amount: Decimal
    tip_amount: Decimal
    paid_date: float
    paid_business_date: int
    order_guid: str
    check_guid: str
    other_payment_guid: str = None
    card_type: str = None
    last4: str = None
    card_entry_mode: str = None
    amount_tendered: Decimal = None
    external_id: str = None
    status: str = "CAPTURED"
    void_date: float = None
    void_business_date: int = None
    refund_amount: Decimal = None
    refund_date: float = None
    refund_business_date: int = None
    device_id: str = None
    server_guid: str = None

    def status_at(self, captured):
        """AUTHORIZED card payments are captured when the business day closes out (the guide: usually at its end)."""
        return "CAPTURED" if captured and self.status == "AUTHORIZED" else self.status

    def to_dict(self, captured=True):
        """The payment; `captured` says whether its order's business day has closed out."""
        refund = None
        if self.refund_amount is not None:
            refund = {"refundAmount": money(self.refund_amount), "tipRefundAmount": 0.0,
                      "refundDate": toast_date(self.refund_date), "refundBusinessDate": self.refund_business_date,
                      "refundTransaction": None}
        return {
            "guid": self.guid, "entityType": "OrderPayment", "externalId": self.external_id,
            "paidDate": toast_date(self.paid_date), "paidBusinessDate": self.paid_business_date, "type": self.type,
            "cardEntryMode": self.card_entry_mode, "amount": money(self.amount), "tipAmount": money(self.tip_amount),
            "amountTendered": money(self.amount_tendered), "cardType": self.card_type, "first6Digits": None,
            "last4Digits": self.last4, "originalProcessingFee": None,
            "server": ref(self.server_guid, "RestaurantUser"), "cashDrawer": None,
            "refundStatus": "NONE" if refund is None else ("FULL" if self.refund_amount >= self.amount else "PARTIAL"),
            "refund": refund, "paymentStatus": self.status_at(captured),
            "voidInfo": {"voidUser": None, "voidApprover": None, "voidDate": toast_date(self.void_date),
                         "voidBusinessDate": self.void_business_date, "voidReason": None}
            if self.void_date is not None else None,
            "houseAccount": None, "otherPayment": ref(self.other_payment_guid, "AlternatePaymentType"),
            "createdDevice": {"id": self.device_id}, "lastModifiedDevice": {"id": self.device_id},
            "mcaRepaymentAmount": None, "cardPaymentId": None,
            "orderGuid": self.order_guid, "checkGuid": self.check_guid, "tenderTransactionGuid": None,
            "networkTransactionIdentifier": None,
        }


@dataclass(slots=True)
class Check:
    guid: str
    display_number: str
    opened: float
    created: float
    selections: list = field(default_factory=list)
    discounts: list = field(default_factory=list)
    service_charges: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    customer: Customer = None
    loyalty: object = None             # a guests.Loyalty
    tab_name: str = None
    tax_exempt: bool = False
    external_id: str = None
    opened_by: str = None
    modified: float = None
    amount: Decimal = ZERO
    tax_amount: Decimal = ZERO
    total_amount: Decimal = ZERO
    paid_date: float = None
    voided: bool = False
    void_date: float = None
    void_business_date: int = None

    @property
    def paid_total(self):
        return sum((p.amount for p in self.payments if p.void_date is None), ZERO)

    @property
    def covered(self):
        return bool(self.selections) and self.paid_total >= self.total_amount

    def _closes_when_paid(self, non_card_closed):
        return non_card_closed and not any(p.type == "CREDIT" and p.void_date is None for p in self.payments)

    def payment_status(self, now, closeout_at, non_card_closed=True):
        """OPEN until payments cover the total. Then PAID while a card payment's tip can still be adjusted (until the
        business day closes out), CLOSED after; paid without a card, CLOSED at once (`non_card_closed`, the spec's
        reading) or PAID until the close-out like card payments."""
        if not self.covered:
            return "OPEN"
        if now >= closeout_at or self._closes_when_paid(non_card_closed):
            return "CLOSED"
        return "PAID"

    def closed_date(self, status, closeout_at, non_card_closed=True):
        """When the check turned CLOSED: when it was paid, or at the close-out for a check that waited for it."""
        if status != "CLOSED":
            return None
        paid = self.paid_date or self.void_date
        if paid is not None and paid < closeout_at and self._closes_when_paid(non_card_closed):
            return paid
        return max(closeout_at, paid or 0)

    def to_dict(self, behavior, now, closeout_at, dining, device, non_card_closed=True):
        """The check; `dining` and `device` are the order's dining option reference and device."""
        status = self.payment_status(now, closeout_at, non_card_closed)
        closed = self.closed_date(status, closeout_at, non_card_closed)
        captured = now >= closeout_at
        return {
            "guid": self.guid, "entityType": "Check", "externalId": self.external_id,
            "createdDate": toast_date(self.created), "openedDate": toast_date(self.opened),
            "closedDate": toast_date(closed), "modifiedDate": toast_date(self.modified or self.created),
            "deletedDate": NOT_DELETED, "deleted": False, "selections": [s.to_dict(dining) for s in self.selections],
            "customer": self.customer.to_dict() if self.customer else None,
            "appliedLoyaltyInfo": self.loyalty.to_dict() if self.loyalty else None, "taxExempt": self.tax_exempt,
            "displayNumber": self.display_number,
            "appliedServiceCharges": [c.to_dict(behavior) for c in self.service_charges],
            "amount": money(self.amount), "taxAmount": money(self.tax_amount), "totalAmount": money(self.total_amount),
            "payments": [p.to_dict(captured) for p in self.payments], "tabName": self.tab_name,
            "paymentStatus": status,
            "appliedDiscounts": [d.to_dict() for d in self.discounts], "voided": self.voided,
            "voidDate": toast_date(self.void_date), "voidBusinessDate": self.void_business_date,
            "paidDate": toast_date(self.paid_date), "createdDevice": device, "lastModifiedDevice": device,
            "duration": int(self.paid_date - self.created) if closed is not None and self.paid_date else None,
            "openedBy": ref(self.opened_by, "RestaurantUser"),
        }


@dataclass(slots=True)
class Order:
    guid: str
    restaurant_guid: str
    dining_option_guid: str
    dining_behavior: str
    opened: float
    created: float
    modified: float
    business_date: int
    closeout_at: float                 # epoch seconds when the business date closes out
    display_number: str
    checks: list = field(default_factory=list)
    source: str = "API"
    approval_status: str = "APPROVED"
    promised: float = None
    estimated_fulfillment: float = None
    external_id: str = None
    delivery_info: DeliveryInfo = None
    number_of_guests: int = None
    server_guid: str = None
    revenue_center_guid: str = None
    table_guid: str = None
    service_area_guid: str = None
    channel_guid: str = None
    voided: bool = False
    void_date: float = None
    void_business_date: int = None
    paid_date: float = None
    required_prep_time: str = None     # ISO-8601 duration as sent, e.g. PT15M
    device_id: str = None              # the POS device that took the order (None for API orders)
    restaurant_service_guid: str = None
    curbside: object = None            # a guests.CurbsidePickup, for curbside dining options

    @property
    def payments(self):
        return [p for c in self.checks for p in c.payments]

    def void(self, when, day):
        """Void the order with everything on it (the caller re-prices it)."""
        self.voided, self.void_date, self.void_business_date = True, when, day
        for check in self.checks:
            check.voided, check.void_date, check.void_business_date = True, when, day
            for selection in check.selections:
                selection.voided, selection.void_date, selection.void_business_date = True, when, day
            for payment in check.payments:
                payment.status, payment.void_date, payment.void_business_date = "VOIDED", when, day

    def to_dict(self, now, non_card_closed=True):
        """The Order as the API returns it (`non_card_closed`: see Check.payment_status)."""
        dining = {"guid": self.dining_option_guid, "entityType": "DiningOption", "externalId": None}
        device = {"id": self.device_id}
        checks = [c.to_dict(self.dining_behavior, now, self.closeout_at, dining, device, non_card_closed)
                  for c in self.checks]
        closed = None
        if all(c["paymentStatus"] == "CLOSED" for c in checks):
            closed = max((c.closed_date("CLOSED", self.closeout_at, non_card_closed) for c in self.checks),
                         default=None)
        return {
            "guid": self.guid, "entityType": "Order", "externalId": self.external_id,
            "openedDate": toast_date(self.opened), "modifiedDate": toast_date(self.modified),
            "promisedDate": toast_date(self.promised), "channelGuid": self.channel_guid,
            "diningOption": dining,
            "checks": checks,
            "table": ref(self.table_guid, "Table"), "serviceArea": ref(self.service_area_guid, "ServiceArea"),
            "restaurantService": ref(self.restaurant_service_guid, "RestaurantService"),
            "revenueCenter": ref(self.revenue_center_guid, "RevenueCenter"),
            "source": self.source,
            "duration": int(self.paid_date - self.created) if closed is not None and self.paid_date else None,
            "deliveryInfo": self.delivery_info.to_dict() if self.delivery_info else None,
            "requiredPrepTime": self.required_prep_time,
            "estimatedFulfillmentDate": toast_date(self.estimated_fulfillment),
            "numberOfGuests": self.number_of_guests, "voided": self.voided, "voidDate": toast_date(self.void_date),
            "voidBusinessDate": self.void_business_date, "paidDate": toast_date(self.paid_date),
            "closedDate": toast_date(closed), "deletedDate": NOT_DELETED, "deleted": False,
            "businessDate": self.business_date, "server": ref(self.server_guid, "RestaurantUser"),
            "pricingFeatures": ["TAXESV2"], "approvalStatus": self.approval_status, "createdDevice": device,
            "createdDate": toast_date(self.created), "lastModifiedDevice": device,
            "curbsidePickupInfo": self.curbside.to_dict() if self.curbside else None,
            "marketplaceFacilitatorTaxInfo": None, "createdInTestMode": False, "appliedPackagingInfo": None,
            "excessFood": False, "displayNumber": self.display_number,
        }
