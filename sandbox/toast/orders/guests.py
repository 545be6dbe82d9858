"""Guests' personal data on orders (customer, delivery address, curbside pickup) and who may read it."""

from dataclasses import dataclass

from sandbox.toast.dates import toast_date

GUEST_SCOPE = "guest.pi:read"
ADDRESS_SCOPE = "delivery_info.address:read"
_GUEST_FIELDS = ("firstName", "lastName", "phone", "email")
_CONTACT_FIELDS = ("phone", "phoneCountryCode", "email")
_ADDRESS_FIELDS = ("address1", "address2", "city", "administrativeArea", "state", "zipCode", "country", "latitude",
                   "longitude", "notes")


@dataclass(slots=True)
class Customer:
    guid: str
    first_name: str
    last_name: str
    phone: str
    email: str

    def to_dict(self):
        return {"guid": self.guid, "entityType": "Customer", "firstName": self.first_name,
                "lastName": self.last_name, "phone": self.phone, "phoneCountryCode": "1" if self.phone else None,
                "email": self.email}


@dataclass(slots=True)
class DeliveryInfo:
    address1: str
    city: str
    state: str
    zip_code: str
    address2: str = None
    country: str = None
    latitude: float = None
    longitude: float = None
    notes: str = None
    delivery_state: str = "PENDING"
    dispatched_date: float = None
    delivered_date: float = None
    employee_guid: str = None

    def to_dict(self):
        employee = {"guid": self.employee_guid, "entityType": "RestaurantUser", "externalId": None} \
            if self.employee_guid else None
        return {"address1": self.address1, "address2": self.address2, "city": self.city,
                "administrativeArea": None, "state": self.state, "zipCode": self.zip_code, "country": self.country,
                "latitude": self.latitude, "longitude": self.longitude, "notes": self.notes,
                "deliveredDate": toast_date(self.delivered_date), "dispatchedDate": toast_date(self.dispatched_date),
                "deliveryEmployee": employee, "deliveryState": self.delivery_state}


@dataclass(slots=True)
class CurbsidePickup:
    """How staff recognise a guest collecting outside: the vehicle's description (required) and colour, notes."""
    guid: str
    transport_description: str
    transport_color: str = None
    notes: str = None

    def to_dict(self):
        return {"guid": self.guid, "entityType": "CurbsidePickupInfo", "transportDescription": self.transport_description,
                "transportColor": self.transport_color, "notes": self.notes}


@dataclass(slots=True)
class Loyalty:
    """The loyalty account a check is tied to (Check.appliedLoyaltyInfo). The accrual fields come later from the
    loyalty provider: null on a check just posted."""
    guid: str
    identifier: str
    vendor: str
    masked: str = None
    accrual_family_guid: str = None
    accrual_text: str = None

    def to_dict(self):
        return {"guid": self.guid, "entityType": "AppliedLoyaltyInfo", "loyaltyIdentifier": self.identifier,
                "maskedLoyaltyIdentifier": self.masked, "vendor": self.vendor,
                "accrualFamilyGuid": self.accrual_family_guid, "accrualText": self.accrual_text}


def for_client(view, scopes, without_guest_scope="omit"):
    """The order as a client with `scopes` may read it (the guide's "Required scopes to retrieve order data"):
    without delivery_info.address:read, `deliveryInfo` is null; without guest.pi:read, checks carry no `customer` and
    the order no `curbsidePickupInfo` (`omit`), or, read as the spec's scope description has it (`contact`), the
    customer keeps its name without e-mail and phone and curbsidePickupInfo is null. Returns `view` itself when the
    client has both scopes."""
    guest, address = GUEST_SCOPE in scopes, ADDRESS_SCOPE in scopes
    if guest and address:
        return view
    shown = dict(view)
    if not address and shown.get("deliveryInfo") is not None:
        shown["deliveryInfo"] = None
    if not guest:
        if without_guest_scope == "omit":
            shown.pop("curbsidePickupInfo", None)
            shown["checks"] = [{k: v for k, v in check.items() if k != "customer"} for check in view["checks"]]
        else:
            shown["curbsidePickupInfo"] = None
            shown["checks"] = [check if check.get("customer") is None else
                               dict(check, customer=dict(check["customer"], **dict.fromkeys(_CONTACT_FIELDS)))
                               for check in view["checks"]]
    return shown


def webhook_view(order_dict):
    """The order as order webhooks carry it: guest names, phones, addresses and cars left out, externalId null."""
    view = dict(order_dict, externalId=None, curbsidePickupInfo=None)
    view["checks"] = [dict(check, customer=None if check["customer"] is None else
                           dict(check["customer"], **dict.fromkeys(_GUEST_FIELDS)))
                      for check in order_dict["checks"]]
    if order_dict["deliveryInfo"] is not None:
        view["deliveryInfo"] = dict(order_dict["deliveryInfo"], **dict.fromkeys(_ADDRESS_FIELDS))
    return view
