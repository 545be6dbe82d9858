"""Handlers of the Toast Menus API."""

from sandbox.toast.menus import views
from sandbox.toast.state import toast_state


def get_menus(ctx):
    catalog = toast_state(ctx.world).catalogs[ctx.restaurant.guid]
    return views.menus_document(catalog, ctx.restaurant)


def get_menus_v3(ctx):
    catalog = toast_state(ctx.world).catalogs[ctx.restaurant.guid]
    return views.menus_v3_document(catalog, ctx.restaurant)


def get_metadata(ctx):
    return views.metadata(toast_state(ctx.world).catalogs[ctx.restaurant.guid])


OPERATIONS = {
    "menusGet": get_menus,
    "metadataGet": get_metadata,
}

OPERATIONS_V3 = {
    "menusGet": get_menus_v3,
    "metadataGet": get_metadata,
}
