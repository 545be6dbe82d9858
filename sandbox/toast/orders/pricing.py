"""The pricing engine: selection prices, discounts, service charges and taxes, in Decimal cents.

Rules, in order, for each check:
1. A selection's pre-discount price is (item price + modifier prices x modifier quantity) x quantity.
2. Item-level discounts come off that (percent of it, or a fixed amount capped at what is left).
3. Check-level discounts come off the sum of what is left (percent, or fixed capped at what is left), shared over
   the selections in proportion (the last takes the remainder). A selection's `price` is net of both, as the spec
   defines Selection.price ("including discounts at the check level"), so the selections add up to the check.
4. Service charges: fixed, or a percent of the pre-discount subtotal.
5. Tax per selection and tax rate on its price, rounded half up to the cent per tax line. Taxable service charges
   are taxed the same way.
6. amount = selection prices + service charges; taxAmount = selection taxes + service charge taxes;
   totalAmount = amount + taxAmount. Tips are not part of the total.
"""

from decimal import ROUND_HALF_UP, Decimal

from sandbox.toast.orders.models import ZERO, AppliedTax

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _discount_amount(discount, base):
    """What a discount takes off `base` (never more than `base`)."""
    if discount.type == "PERCENT":
        taken = cents(base * discount.percent / HUNDRED)
    else:
        taken = discount.fixed
    return min(taken, base)


def _taxes(base, tax_rate_guids, catalog):
    applied = []
    for guid in tax_rate_guids:
        rate = catalog.tax_rates.get(guid)
        if rate is not None:
            applied.append(AppliedTax(rate.guid, rate.name, rate.rate, cents(base * rate.rate / HUNDRED)))
    return applied


def _price_selection(selection):
    selection.pre_discount_price = cents(selection.unit_with_modifiers * selection.quantity)
    remaining = selection.pre_discount_price
    for discount in selection.discounts:
        discount.amount = _discount_amount(discount, remaining)
        remaining -= discount.amount
    selection.price = remaining
    for modifier in selection.modifiers:
        modifier.pre_discount_price = modifier.price = cents(modifier.unit_price * modifier.quantity
                                                             * selection.quantity)
        modifier.tax = ZERO
        modifier.applied_taxes = []


def price_check(check, catalog):
    """Compute every amount of a check in place."""
    live = [s for s in check.selections if not s.voided]
    for selection in live:
        _price_selection(selection)
    for selection in check.selections:
        if selection.voided:
            selection.price = selection.tax = ZERO
            selection.applied_taxes = []
    subtotal = sum((s.price for s in live), ZERO)
    remaining = subtotal
    for discount in check.discounts:
        discount.amount = _discount_amount(discount, remaining)
        remaining -= discount.amount
    check_discounts = subtotal - remaining
    pre_discount_subtotal = sum((s.pre_discount_price for s in live), ZERO)
    shared = ZERO
    for index, selection in enumerate(live):
        if index == len(live) - 1:
            share = check_discounts - shared
        else:
            share = cents(check_discounts * selection.price / subtotal) if subtotal else ZERO
            shared += share
        selection.price -= share
        taxed = [] if check.tax_exempt else selection.tax_rate_guids
        selection.applied_taxes = _taxes(selection.price, taxed, catalog)
        selection.tax = sum((t.amount for t in selection.applied_taxes), ZERO)
    charges = ZERO
    charge_taxes = ZERO
    for charge in check.service_charges:
        if charge.charge_type == "PERCENT":
            charge.charge_amount = cents(pre_discount_subtotal * charge.percent / HUNDRED)
        else:
            charge.charge_amount = charge.fixed
        taxed = charge.tax_rate_guids if charge.taxable and not check.tax_exempt else []
        charge.applied_taxes = _taxes(charge.charge_amount, taxed, catalog)
        charges += charge.charge_amount
        charge_taxes += sum((t.amount for t in charge.applied_taxes), ZERO)
    check.amount = sum((s.price for s in live), ZERO) + charges
    check.tax_amount = sum((s.tax for s in live), ZERO) + charge_taxes
    check.total_amount = check.amount + check.tax_amount


def price_order(order, catalog):
    """Compute every check of an order in place."""
    for check in order.checks:
        price_check(check, catalog)
