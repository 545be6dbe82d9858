"""Restaurants and management groups, and the RestaurantInfo view the API returns."""

from dataclasses import dataclass, field

_WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Every restaurant's services, the same each day of the week (local HH:mm); online ordering follows them.
SERVICES = (("Lunch", "11:00", "15:00"), ("Dinner", "17:00", "23:00"))


@dataclass
class ManagementGroup:
    guid: str
    name: str
    menu: str                                   # key of the group's menu template in the fixtures
    restaurants: list = field(default_factory=list)


@dataclass
class Restaurant:
    guid: str
    management_group_guid: str
    name: str
    location_name: str
    location_code: str
    description: str
    time_zone: str
    closeout_hour: int
    currency_code: str
    first_business_date: int
    address1: str
    city: str
    state_code: str
    zip_code: str
    country: str
    phone: str
    latitude: float
    longitude: float
    website: str = None
    archived: bool = False
    deleted: bool = False
    schedule_guid: str = None
    availability: str = "ONLINE"                # online ordering: ONLINE or OFFLINE (restaurant availability API)

    @classmethod
    def from_fixture(cls, data, schedule_guid):
        return cls(
            guid=data["guid"], management_group_guid=data["managementGroupGuid"], name=data["name"],
            location_name=data["locationName"], location_code=data["locationCode"],
            description=data.get("description"), time_zone=data["timeZone"], closeout_hour=data["closeoutHour"],
            currency_code=data.get("currencyCode", "USD"), first_business_date=data["firstBusinessDate"],
            address1=data["address1"], city=data["city"], state_code=data["stateCode"], zip_code=data["zipCode"],
            country=data.get("country", "US"), phone=data["phone"], latitude=data["latitude"],
            longitude=data["longitude"], website=data.get("website"), archived=data.get("archived", False),
            deleted=data.get("deleted", False), schedule_guid=schedule_guid,
        )

    def to_dict(self):
        """The RestaurantInfo object of `GET /restaurants/v1/restaurants/{guid}`."""
        day = {
            "scheduleName": "Regular Hours",
            "services": [{"name": name, "hours": {"startTime": f"{start}:00.000", "endTime": f"{end}:00.000"},
                          "overnight": False} for name, start, end in SERVICES],
            "openTime": f"{SERVICES[0][1]}:00.000",
            "closeTime": f"{SERVICES[-1][2]}:00.000",
        }
        return {
            "guid": self.guid,
            "general": {
                "name": self.name,
                "locationName": self.location_name,
                "locationCode": self.location_code,
                "description": self.description,
                "timeZone": self.time_zone,
                "closeoutHour": self.closeout_hour,
                "managementGroupGuid": self.management_group_guid,
                "currencyCode": self.currency_code,
                "firstBusinessDate": self.first_business_date,
                "archived": self.archived,
            },
            "urls": {"website": self.website, "facebook": None, "twitter": None, "orderOnline": None,
                     "purchaseGiftCard": None, "checkGiftCard": None},
            "location": {
                "address1": self.address1, "address2": None, "city": self.city, "stateCode": self.state_code,
                "administrativeArea": None, "zipCode": self.zip_code, "country": self.country, "phone": self.phone,
                "phoneCountryCode": "1", "latitude": self.latitude, "longitude": self.longitude,
            },
            "schedules": {
                "daySchedules": {self.schedule_guid: day},
                "weekSchedule": {name: self.schedule_guid for name in _WEEK},
            },
            "delivery": {"enabled": True, "minimum": 15.0, "area": None},
            "onlineOrdering": {
                "enabled": True, "scheduling": True, "specialRequests": True, "specialRequestsMessage": None,
                "paymentOptions": {
                    "delivery": {"cash": False, "ccSameDay": True, "ccFuture": True},
                    "takeout": {"cash": True, "ccSameDay": True, "ccFuture": True, "ccInStore": True},
                    "ccTip": True,
                },
            },
            "prepTimes": {
                "deliveryPrepTime": 30, "deliveryTimeAfterOpen": 15, "deliveryTimeBeforeClose": 30,
                "takeoutPrepTime": 15, "takeoutTimeAfterOpen": 0, "takeoutTimeBeforeClose": 15,
                "takeoutThrottlingTime": 0, "deliveryThrottlingTime": 0,
            },
        }
