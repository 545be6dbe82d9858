"""Toast's part of a world export: its registered data types and the checks an imported ToastState must pass."""

from sortedcontainers import SortedList

from sandbox.core.codec import Refused, check_items, check_known, check_mapping, render
from sandbox.toast.auth.models import Client, Token
from sandbox.toast.catalog import models as catalog
from sandbox.toast.labor import models as labor
from sandbox.toast.orders import guests, models as orders
from sandbox.toast.orders.book import OrderBook
from sandbox.toast.partners.models import Connection
from sandbox.toast.restaurants.models import ManagementGroup, Restaurant
from sandbox.toast.state import ToastState

TYPES = (ToastState, OrderBook, ManagementGroup, Restaurant, Client, Token, Connection,
         catalog.Named, catalog.TaxRate, catalog.DiningOption, catalog.RevenueCenter, catalog.ServiceArea,
         catalog.Table, catalog.Discount, catalog.ServiceCharge, catalog.ModifierOption, catalog.ModifierGroup,
         catalog.MenuItem, catalog.MenuGroup, catalog.Menu, catalog.Catalog, catalog.PrepStation,
         orders.AppliedTax, orders.AppliedDiscount, orders.Selection, orders.AppliedServiceCharge, orders.Payment,
         orders.Customer, orders.DeliveryInfo, orders.Check, orders.Order, guests.CurbsidePickup, guests.Loyalty,
         labor.Job, labor.WageOverride, labor.Employee, labor.Shift, labor.Break, labor.Takings, labor.TimeEntry)

# Labor collections, by restaurant and then by GUID, and the type each holds.
_LABOR = {"employees": labor.Employee, "jobs": labor.Job, "shifts": labor.Shift, "time_entries": labor.TimeEntry}

# Catalog collections by GUID, and the type each holds.
_CATALOG = {"tax_rates": catalog.TaxRate, "dining_options": catalog.DiningOption,
            "revenue_centers": catalog.RevenueCenter, "service_areas": catalog.ServiceArea, "tables": catalog.Table,
            "discounts": catalog.Discount, "service_charges": catalog.ServiceCharge, "menus": catalog.Menu,
            "menu_groups": catalog.MenuGroup, "menu_items": catalog.MenuItem,
            "modifier_groups": catalog.ModifierGroup, "modifier_options": catalog.ModifierOption,
            "prep_stations": catalog.PrepStation}


def check_import(state, where):
    """Refuse an imported ToastState that the Toast APIs could not read."""
    check_mapping(state.groups, ManagementGroup, f"{where}.groups", key=lambda g: g.guid)
    check_mapping(state.restaurants, Restaurant, f"{where}.restaurants", key=lambda r: r.guid)
    check_mapping(state.clients, Client, f"{where}.clients", key=lambda c: c.client_id)
    check_mapping(state.connections, Connection, f"{where}.connections",
                  key=lambda c: (c.client_id, c.restaurant_guid))
    check_mapping(state.tokens, Token, f"{where}.tokens", key=lambda t: t.access_token)
    check_mapping(state.catalogs, catalog.Catalog, f"{where}.catalogs", key=lambda c: c.restaurant_guid)
    for restaurant in state.restaurants.values():
        check_known([restaurant.management_group_guid], state.groups, f"{where}.restaurants", "group")
    check_known(state.catalogs, state.restaurants, f"{where}.catalogs", "restaurant")
    for key, listed in state.guests.items():
        if not isinstance(listed, list) or not all(isinstance(p, dict) and isinstance(p.get("guid"), str)
                                                   for p in listed):
            raise Refused(f"{where}.guests[{key!r}]", "expected a list of people, each with a guid")
    for name, kind in _LABOR.items():
        by_restaurant = getattr(state, name)
        check_known(by_restaurant, state.restaurants, f"{where}.{name}", "restaurant")
        for restaurant, held in by_restaurant.items():
            if not isinstance(held, dict):
                raise Refused(f"{where}.{name}[{restaurant!r}]", "expected an object")
            check_mapping(held, kind, f"{where}.{name}[{restaurant!r}]", key=lambda x: x.guid)
    for restaurant, entries in state.time_entries.items():
        for entry in entries.values():
            check_items(entry.breaks, labor.Break, f"{where}.time_entries[{restaurant!r}][{entry.guid!r}].breaks")
    for guid, held in state.catalogs.items():
        for name, kind in _CATALOG.items():
            check_mapping(getattr(held, name), kind, f"{where}.catalogs[{guid!r}].{name}", key=lambda x: x.guid)
        for name, named in held.named.items():
            if not isinstance(named, dict):
                raise Refused(f"{where}.catalogs[{guid!r}].named[{name!r}]", "expected an object")
            check_mapping(named, catalog.Named, f"{where}.catalogs[{guid!r}].named[{name!r}]", key=lambda x: x.guid)
    _check_book(state.orders, state, f"{where}.orders")
    _check_reports(state.reports, f"{where}.reports")


def _check_reports(reports, where):
    """Analytics reports are plain data: a kind, the client, three instants and lists of rows."""
    for guid, report in reports.items():
        here = f"{where}[{str(guid)[:60]!r}]"
        if not isinstance(report, dict) or not isinstance(report.get("kind"), str) \
                or not isinstance(report.get("client"), str):
            raise Refused(here, "expected a report with a kind and a client")
        if not all(isinstance(report.get(key), (int, float)) for key in ("created", "ready", "expires")):
            raise Refused(here, "expected numbers for created, ready and expires")
        for key in ("rows", "cumulative"):
            rows = report.get(key, [])
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise Refused(f"{here}.{key}", "expected a list of rows")


def _check_book(book, state, where):
    check_mapping(book.orders, orders.Order, f"{where}.orders", key=lambda o: o.guid)
    for order in book.orders.values():
        here = f"{where}.orders[{order.guid!r}]"
        check_known([order.restaurant_guid], state.catalogs, here, "restaurant")
        check_items(order.checks, orders.Check, f"{here}.checks")
        for number, check in enumerate(order.checks):
            check_items(check.selections, orders.Selection, f"{here}.checks[{number}].selections")
            check_items(check.payments, orders.Payment, f"{here}.checks[{number}].payments")
            for selection in check.selections:
                check_items(selection.modifiers, orders.Selection, f"{here}.checks[{number}].selections.modifiers")
                check_items(selection.applied_taxes, orders.AppliedTax, f"{here}.checks[{number}].selections.taxes")
        render(lambda: order.to_dict(order.modified), here)
    check_known(book.payments.values(), book.orders, f"{where}.payments", "order")
    for restaurant, index in book.by_modified.items():
        if not isinstance(index, SortedList) or not all(isinstance(e, tuple) and len(e) == 2 for e in index):
            raise Refused(f"{where}.by_modified[{restaurant!r}]", "expected a sorted list of (time, order) pairs")
        check_known([guid for _, guid in index], book.orders, f"{where}.by_modified[{restaurant!r}]", "order")
    for restaurant, days in book.by_business_date.items():
        if not isinstance(days, dict) or not all(isinstance(day, list) for day in days.values()):
            raise Refused(f"{where}.by_business_date[{restaurant!r}]", "expected lists of orders by day")
        check_known([g for day in days.values() for g in day], book.orders, f"{where}.by_business_date", "order")
    for key, listed in book.payments_by_date.items():
        if not isinstance(listed, list):
            raise Refused(f"{where}.payments_by_date", "expected lists of payments")
        check_known(listed, book.payments, f"{where}.payments_by_date", "payment")
    check_known(book.external_ids.values(), book.orders, f"{where}.external_ids", "order")
    if not all(isinstance(n, int) for n in book.display_numbers.values()):
        raise Refused(f"{where}.display_numbers", "expected whole numbers")
