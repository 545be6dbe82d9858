"""Packaging choices, the online ordering schedule and the devices of a location, derived from the restaurant and
its catalog so that they agree with the other APIs (service hours, the devices on orders, the printers)."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sandbox.toast.catalog.schedule import DAYS
from sandbox.toast.dates import toast_date
from sandbox.toast.restaurants.models import SERVICES

# (item type, question, description, inclusion) offered to take-out and delivery guests.
PACKAGING = (("UTENSILS", "Include utensils?", "Forks, knives and spoons", "OPT_IN"),
             ("NAPKINS", "Include napkins?", None, "OPT_IN"),
             ("CONDIMENTS", "Include condiments?", "Hot sauce and dressing packets", "OPT_IN"),
             ("BAGS", "Pack it in a bag?", "Uncheck to carry the order without one", "OPT_OUT"))
# (position, posType, name, model, model name, network, primary mode) of the POS devices every location has.
POS_DEVICES = ((1, "TERMINAL", "Host Stand", "TT200", "Toast Terminal", "ETHERNET", "Table Service"),
               (2, "TERMINAL", "Bar", "TT200", "Toast Terminal", "ETHERNET", "Quick Order"),
               (3, "HANDHELD", "Server Handheld", "TG3", "Toast Go 3", "WIFI", "Table Service"))
# Dates online ordering differs from the week's hours: (month, day, description, ranges; none means closed).
HOLIDAYS = ((12, 25, "Closed for Christmas Day", ()), (1, 1, "New Year's Day: lunch only", (SERVICES[0],)))


def pos_device_id(restaurant, position):
    """The id a POS device shows as orders' and payments' `createdDevice.id`."""
    return f"{restaurant.location_code}-POS{position}"


def _stable(restaurant, *parts):
    return uuid.uuid5(uuid.UUID(restaurant.guid), ":".join(str(p) for p in parts))


def _behaviors(catalog):
    kinds = {d.behavior for d in catalog.dining_options.values()}
    return [kind for kind in ("TAKE_OUT", "DELIVERY") if kind in kinds]


def packaging(restaurant, catalog):
    """The packaging configuration: on, with its choices, where the restaurant takes take-out or delivery."""
    if not _behaviors(catalog):
        return {"enabled": False, "guestMessage": None, "items": []}
    message = ("California law asks us to pack single-use foodware only when you ask for it."
               if restaurant.state_code == "CA" else "Tell us what to pack with your order.")
    return {"enabled": True, "guestMessage": message,
            "items": [{"id": str(_stable(restaurant, "packaging", kind)), "itemTypes": [kind], "guestDisplayName": ask,
                       "guestDescription": about, "guestInclusionType": inclusion}
                      for kind, ask, about, inclusion in PACKAGING]}


def _ranges(services):
    return [{"start": start, "end": end} for _, start, end in services]


def ordering_schedule(restaurant, catalog, now):
    """Online ordering hours: the restaurant's services every day for take-out and delivery, and the next
    holidays (from the restaurant's local date at `now`) as overrides."""
    behaviors = _behaviors(catalog)
    today = datetime.fromtimestamp(now, ZoneInfo(restaurant.time_zone)).date()
    overrides = []
    for month, day, description, services in HOLIDAYS:
        date = today.replace(month=month, day=day)
        if date < today:
            date = date.replace(year=date.year + 1)
        overrides.append({"description": description, "diningOptionBehavior": behaviors,
                          "businessDate": date.year * 10000 + date.month * 100 + date.day,
                          "timeRanges": _ranges(services)})
    overrides.sort(key=lambda o: o["businessDate"])
    return {"servicePeriods": [{"diningOptionBehavior": kind,
                                "dayPeriods": [{"day": day, "timeRanges": _ranges(SERVICES)} for day in DAYS]}
                               for kind in behaviors],
            "overrides": overrides if behaviors else [], "acceptScheduledOrders": bool(behaviors),
            "scheduledOrderMaxDays": 7, "lastOrderConfiguration": "UNTIL_PREPTIME_CUTOFF",
            "timeZoneId": restaurant.time_zone}


def _network(restaurant, kind, index):
    """(serial number, MAC address, IP address) of a device, stable for the restaurant."""
    digits = _stable(restaurant, "device", kind, index).hex
    mac = ":".join(digits[i:i + 2] for i in range(0, 12, 2))
    return digits[:7], mac, f"10.0.{1 if kind == 'POS' else 2}.{20 + index}"


def devices(restaurant, catalog, now):
    """The POS devices whose ids orders carry, then one printer per configured printer, as last synced."""
    found = []
    for position, pos_type, name, model, model_name, network, mode in POS_DEVICES:
        serial, mac, address = _network(restaurant, "POS", position)
        found.append({"deviceModel": model, "deviceModelName": model_name, "serialNumber": serial,
                      "deviceType": "POS", "printerDeviceInfo": None, "posDeviceInfo": {
                          "posType": pos_type, "deviceName": name, "deviceId": pos_device_id(restaurant, position),
                          "lastSyncedAt": toast_date(now - 47 * position), "primaryMode": mode,
                          "orderAutofireEnabled": position == 1, "pciCompliant": True, "pciNonComplianceReason": None,
                          "ipAddress": address, "ipType": "DHCP", "macAddress": mac,
                          "networkName": f"{restaurant.name} Staff" if network == "WIFI" else None,
                          "networkConnectionType": network, "deviceUptimeMillis": 3_600_000 * (30 + 7 * position),
                          "posAppVersion": "4.3.1", "firmwareVersion": None, "androidOsVersion": "14.0",
                          "androidOsSdkLevel": 34, "securityPatchVersion": "2025-10-05"}})
    for index, printer in enumerate(catalog.named.get("printers", {}).values(), start=1):
        serial, mac, address = _network(restaurant, "PRINTER", index)
        found.append({"deviceModel": "TM-m30III", "deviceModelName": "Epson TM-m30III", "serialNumber": serial,
                      "deviceType": "PRINTER", "posDeviceInfo": None, "printerDeviceInfo": {
                          "deviceName": printer.name, "lastSyncedAt": toast_date(now - 90 * index),
                          "firmwareVersion": None, "ipAddress": address, "ipType": "STATIC", "macAddress": mac,
                          "gatewayAddress": address.rsplit(".", 1)[0] + ".1", "netmaskAddress": "255.255.255.0",
                          "printerPort": "9100"}})
    return found
