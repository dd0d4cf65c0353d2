"""Rows as the public views (``types``) show them, with the product's names read once per
product through the products module's selectors."""

from hujin.products.selectors import product_get
from hujin.products.types import ProductView
from hujin.wealth.models import Order
from hujin.wealth.types import OrderView


class Products(dict):
    """Product views by id, each read once."""

    def __missing__(self, product_id) -> ProductView:
        self[product_id] = view = product_get(product_id=product_id)
        return view


def order_view(order: Order, products: Products | None = None) -> OrderView:
    product = (products if products is not None else Products())[order.product_id]
    return OrderView(
        id=order.id, customer_id=order.customer_id, product_id=order.product_id,
        product_code=product.code, product_name_zh=product.name_zh,
        product_name_en=product.name_en, product_kind=product.kind, kind=order.kind,
        state=order.state, fast=order.fast, amount_minor=order.amount_minor,
        fee_minor=order.fee_minor, net_minor=order.net_minor, units_minor=order.units_minor,
        nav=order.nav, payout_minor=order.payout_minor, trade_date=order.trade_date,
        confirm_on=order.confirm_on, cooling_off_until=order.cooling_off_until,
        cancel_until=order.cancel_until, submitted_at=order.submitted_at,
        confirmed_at=order.confirmed_at, ended_at=order.ended_at,
        failure_code=order.failure_code, last_error=order.last_error,
    )  # fmt: skip
