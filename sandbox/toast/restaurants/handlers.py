"""Handlers of the Toast Restaurants API."""

from sandbox.core.errors import Forbidden, NotFound
from sandbox.toast import errors
from sandbox.toast.access import reaches
from sandbox.toast.state import toast_state

RESTAURANT_NOT_FOUND = "Restaurant({guid}) was not found"
GROUP_NOT_FOUND = "Management group({guid}) was not found"
GROUP_MISMATCH = "Restaurant({restaurant}) is not part of management group({group})"


def get_restaurant(ctx):
    state = toast_state(ctx.world)
    guid = ctx.params["restaurantGUID"].lower()
    restaurant = state.restaurants.get(guid)
    if restaurant is None or (restaurant.archived and not ctx.params.get("includeArchived", False)):
        raise NotFound(RESTAURANT_NOT_FOUND.format(guid=guid))
    if not reaches(state, ctx.principal, guid):
        raise Forbidden(errors.RESTAURANT_NOT_CONNECTED.format(guid=guid))
    return restaurant.to_dict()


def group_restaurants(ctx):
    state = toast_state(ctx.world)
    guid = ctx.params["managementGroupGUID"].lower()
    group = state.groups.get(guid)
    if group is None:
        raise NotFound(GROUP_NOT_FOUND.format(guid=guid))
    if ctx.restaurant.management_group_guid != guid:
        raise Forbidden(GROUP_MISMATCH.format(restaurant=ctx.restaurant.guid, group=guid))
    return [{"guid": r} for r in group.restaurants if not state.restaurants[r].deleted]


OPERATIONS = {
    "restaurantsRestaurantGuidGet": get_restaurant,
    "groupsManagementGroupGuidRestaurantsGet": group_restaurants,
}
