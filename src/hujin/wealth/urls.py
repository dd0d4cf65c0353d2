from django.urls import path

from hujin.wealth import views, views_console, views_portal, views_trade

app_name = "wealth"
urlpatterns = [path("advice/", views.advice, name="advice")]
# The customer's wealth pages (views_portal, views_trade).
urlpatterns += [
    path("", views_portal.overview, name="overview"),
    path("buy/<uuid:product_id>/", views_trade.buy, name="buy"),
    path("buy/<uuid:product_id>/fee/", views_trade.buy_fee, name="buy_fee"),
    path("buy/<uuid:product_id>/warning/", views_trade.warning_confirm, name="warning_confirm"),
    path("redeem/<uuid:product_id>/", views_trade.redeem, name="redeem"),
    path("redeem/<uuid:product_id>/quote/", views_trade.redeem_quote, name="redeem_quote"),
    path("orders/", views_portal.orders, name="orders"),
    path("orders/<uuid:order_id>/", views_portal.order, name="order"),
    path("orders/<uuid:order_id>/cancel/", views_portal.cancel, name="cancel"),
    path("earnings/", views_portal.earnings, name="earnings"),
]
# The console's wealth pages (views_console).
urlpatterns += [
    path("console/orders/", views_console.orders, name="console_orders"),
    path("console/orders/<uuid:order_id>/", views_console.order, name="console_order"),
    path("console/distributions/", views_console.distributions, name="console_distributions"),
]
