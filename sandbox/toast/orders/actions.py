"""What changes an order: create, add selections, discounts and payments, tip, delivery, void; each change is priced,
moves modifiedDate and records an `order_updated` event."""

from decimal import Decimal

from sandbox.core.clock import parse_instant
from sandbox.core.errors import BadRequest, Conflict, NotFound
from sandbox.core.events import record
from sandbox.toast.access import is_guid
from sandbox.toast.dates import business_date
from sandbox.toast.orders import errors, external
from sandbox.toast.orders.build import Builder
from sandbox.toast.orders.guests import for_client, webhook_view
from sandbox.toast.orders.pricing import cents, price_order

class OrderDesk:
    """Order actions for one request: the world, its Toast state, the restaurant and the clock."""

    def __init__(self, ctx, state):
        self.ctx = ctx
        self.world = ctx.world
        self.book = state.orders
        self.restaurant = ctx.restaurant
        self.catalog = state.catalogs[ctx.restaurant.guid]
        self.now = ctx.world.clock.timestamp()
        self.last_event = None
        # Orders the API creates are attributed to the restaurant's first employee (judgement: the platform names a
        # server without saying which).
        self.api_server = next(iter(state.employees.get(ctx.restaurant.guid, [])), {}).get("guid")
        config = ctx.sandbox.config
        self.non_card_closed = config.toast_non_card_check_status == "closed"
        self.guest_data = config.toast_guest_data_without_scope
        self.scopes = ctx.principal.scopes if ctx.principal is not None else ()

    def view(self, order):
        """The order's wire form for this request's client: personal data only with its scopes (guests.for_client)."""
        return self.shown(self.book.view(order, self.now, self.non_card_closed))

    def shown(self, view):
        return for_client(view, self.scopes, self.guest_data)

    def builder(self, persist=True):
        return Builder(self.restaurant, self.catalog, self.now, self.world.ids.guid if persist else lambda: None,
                       server=self.api_server)

    def find(self, guid):
        if not is_guid(guid):
            raise BadRequest(errors.GUID_MALFORMED, field="guid")
        order = self.book.get(self.restaurant.guid, guid.lower())
        if order is None:
            raise NotFound(errors.ORDER_NOT_FOUND)
        return order

    def _changeable(self, guid):
        order = self.find(guid)
        if order.voided:
            raise Conflict(errors.ORDER_VOIDED.format(guid=order.guid))
        return self.book.writable(order)

    @staticmethod
    def _check(order, guid):
        check = next((c for c in order.checks if c.guid == (guid or "").lower()), None)
        if check is None:
            raise NotFound(errors.CHECK_NOT_FOUND)
        return check

    def _settle(self, order):
        """Checks (and the order) that payments now cover were paid now."""
        for check in order.checks:
            if check.covered and check.paid_date is None and not check.voided:
                check.paid_date = self.now
        if order.paid_date is None and not order.voided and all(c.covered for c in order.checks):
            order.paid_date = self.now

    def changed(self, order, priced=False):
        """Re-price (unless the caller just did), settle payment status, move modifiedDate, and record the
        order_updated event."""
        if not priced:
            price_order(order, self.catalog)
        for check in order.checks:
            check.modified = self.now
        self._settle(order)
        self.book.touch(order, self.now)
        view = self.book.view(order, self.now, self.non_card_closed)
        self.last_event = record(self.world, self.ctx.world.clock, "toast", "order_updated", "order_updated",
                                 {"restaurantGuid": self.restaurant.guid, "order": webhook_view(view)},
                                 self.restaurant.guid)
        return self.shown(view)

    # Operations -----------------------------------------------------------------------------------------------

    def quote(self, body):
        """POST /prices: the priced order with null GUIDs; nothing is stored and no number is used up."""
        builder = self.builder(persist=False)
        order, payments = builder.order(body, None)
        price_order(order, self.catalog)
        for check, raw, field in payments:          # checked like the real thing (references, amounts), not kept
            check.payments.append(builder.payment(raw, order, check, field))
        self._settle(order)
        return self.shown(order.to_dict(self.now, self.non_card_closed))

    def applicable_discounts(self, body):
        """Active discounts of the restaurant with the checks or selections of `body.order` they could apply to: with
        a `promoCode`, only the discounts that code unlocks; without one, only those that need no code."""
        checks = (body.get("order") or {}).get("checks") or []
        check_refs = [{"guid": c.get("guid"), "entityType": "Check", "externalId": c.get("externalId")}
                      for c in checks]
        selection_refs = [{"guid": s.get("guid"), "entityType": "MenuItemSelection", "externalId": s.get("externalId")}
                          for c in checks for s in c.get("selections") or []]
        code = (body.get("promoCode") or "").strip().upper()
        return [{"discount": {"guid": d.guid, "entityType": "Discount"},
                 "applicableChecks": check_refs if d.selection_type == "CHECK" else [],
                 "applicableSelections": selection_refs if d.selection_type == "ITEM" else []}
                for d in self.catalog.discounts.values()
                if d.active and (code in {p["code"].upper() for p in d.promo_codes} if code else not d.promo_codes)]

    def _taken(self, ids, replay=True):
        """The order holding one of `ids` (replayed in `existing` mode); 409 in `reject` mode or without replay."""
        mode = self.ctx.sandbox.config.toast_duplicate_external_id
        return external.refuse_taken(self.book, self.restaurant.guid, ids,
                                     "reject" if mode == "existing" and not replay else mode)

    def get(self, key):
        """GET /orders/{guid}: the order by GUID or by its externalId."""
        return self.view(external.find_order(self.book, self.restaurant.guid, key))

    def create(self, body):
        holder = self._taken(external.order_ids(body))
        if holder is not None:
            return self.view(self.book.orders[holder])
        builder = self.builder()
        order, payments = builder.order(body, None)
        if order.approval_status == "APPROVED":
            order.approval_status = self.ctx.sandbox.config.toast_api_order_approval
        order.display_number = self.book.next_display_number(self.restaurant.guid, order.business_date)
        for check in order.checks:
            check.display_number = check.display_number or order.display_number     # a client's own is kept
        price_order(order, self.catalog)
        for check, raw, field in payments:
            check.payments.append(builder.payment(raw, order, check, field))
        self.book.add(order)
        return self.changed(order, priced=True)     # payments do not change prices

    def add_selections(self, order_guid, check_guid, bodies):
        order = self._changeable(order_guid)
        check = self._check(order, check_guid)
        ids = external.selection_ids(bodies)
        self._taken(ids, replay=False)
        builder = self.builder()
        check.selections.extend(builder.selection(raw, f"[{i}]") for i, raw in enumerate(bodies))
        self.book.index_external_ids(order, [(external_id, kind) for external_id, kind, _ in ids])
        return self.changed(order)

    def add_check_discounts(self, order_guid, check_guid, bodies):
        if len(bodies) > 1:         # "only one appliedDiscount is allowed per check" in a POST (judgement: per request)
            raise BadRequest(errors.ONE_CHECK_DISCOUNT, field="[1]")
        order = self._changeable(order_guid)
        check = self._check(order, check_guid)
        builder = self.builder()
        check.discounts.extend(builder.discount(raw, "CHECK", f"[{i}]") for i, raw in enumerate(bodies))
        return self.changed(order)

    def add_selection_discounts(self, order_guid, check_guid, selection_guid, bodies):
        order = self._changeable(order_guid)
        check = self._check(order, check_guid)
        selection = next((s for s in check.selections if s.guid == (selection_guid or "").lower()), None)
        if selection is None:
            raise NotFound(errors.SELECTION_NOT_FOUND)
        if len(selection.discounts) + len(bodies) > 1:
            raise BadRequest(errors.ONE_SELECTION_DISCOUNT, field="[1]" if len(bodies) > 1 else "[0]")
        builder = self.builder()
        selection.discounts.extend(builder.discount(raw, "ITEM", f"[{i}]", selection.guid)
                                   for i, raw in enumerate(bodies))
        return self.changed(order)

    def add_payments(self, order_guid, check_guid, bodies):
        order = self._changeable(order_guid)
        check = self._check(order, check_guid)
        builder = self.builder()
        for index, raw in enumerate(bodies):
            payment = builder.payment(raw, order, check, f"[{index}]")
            check.payments.append(payment)
            self.book.index_payment(order, payment, "paid", payment.paid_business_date)
        return self.changed(order)

    def set_tip(self, order_guid, check_guid, payment_guid, body):
        unknown = sorted(set(body) - {"tipAmount"})
        if unknown or "tipAmount" not in body:
            raise BadRequest(errors.PATCH_TIP_ONLY, field=unknown[0] if unknown else "tipAmount")
        order = self._changeable(order_guid)
        check = self._check(order, check_guid)
        payment = next((p for p in check.payments if p.guid == (payment_guid or "").lower()), None)
        if payment is None:
            raise NotFound(errors.PAYMENT_NOT_FOUND)
        status = payment.status_at(self.now >= order.closeout_at)
        if not (payment.type == "OTHER" and status != "VOIDED" or payment.type == "CREDIT" and status == "AUTHORIZED"):
            raise BadRequest(errors.TIP_NOT_ADJUSTABLE.format(guid=payment.guid, type=payment.type, status=status),
                             field="tipAmount")
        tip = cents(Decimal(str(body["tipAmount"])))
        if tip < 0:
            raise BadRequest(errors.TIP_NEGATIVE, field="tipAmount")
        payment.tip_amount = tip
        return self.changed(order)

    def update_delivery(self, order_guid, body):
        order = self._changeable(order_guid)
        info = order.delivery_info
        if info is None:
            raise BadRequest(errors.NOT_DELIVERY.format(guid=order.guid))
        if info.delivery_state == "DELIVERED":
            raise Conflict(errors.DELIVERED_FINAL)
        state = body.get("deliveryState")
        if state:
            info.delivery_state = state
            if state == "PICKED_UP" and info.dispatched_date is None:
                info.dispatched_date = self.now
            if state == "DELIVERED":
                info.delivered_date = self.now
        if body.get("dispatchedDate"):
            info.dispatched_date = parse_instant(body["dispatchedDate"]).timestamp()
        if body.get("deliveredDate"):
            info.delivered_date = parse_instant(body["deliveredDate"]).timestamp()
        if "notes" in body:
            info.notes = body["notes"]
        if body.get("deliveryEmployee"):
            info.employee_guid = body["deliveryEmployee"].lower()
        return self.changed(order)

    def void(self, order_guid, body):
        """POST /void: only with `selections.voidAll` and `payments.voidAll` both true, and only OTHER payments."""
        order = self._changeable(order_guid)
        if not all(((body or {}).get(part) or {}).get("voidAll") is True for part in ("selections", "payments")):
            raise BadRequest(errors.VOID_ALL_REQUIRED, field="selections.voidAll")
        if any(p.type != "OTHER" for p in order.payments):
            raise BadRequest(errors.VOID_NOT_OTHER)
        day = business_date(self.now, self.restaurant)
        order.void(self.now, day)
        for payment in order.payments:
            self.book.index_payment(order, payment, "void", day)
        return self.changed(order)
