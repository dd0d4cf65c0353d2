from django.urls import path

from hujin.payments import (
    views,
    views_callbacks,
    views_channels,
    views_console,
    views_money,
    views_reconciliation,
    views_rules,
    views_statements,
    views_transfer,
)

app_name = "payments"
urlpatterns = [
    path("cards/", views.cards, name="cards"),
    path("cards/bind/", views.bind, name="bind"),
    path("cards/<uuid:card_id>/verify/", views.verify, name="verify"),
    path("cards/<uuid:card_id>/default/", views.set_default, name="set_default"),
    path("cards/<uuid:card_id>/unbind/", views.unbind, name="unbind"),
    path("top-up/", views_money.topup, name="topup"),
    path("withdraw/", views_money.withdraw, name="withdraw"),
    path("transfer/", views_transfer.transfer, name="transfer"),
    path("transfer/send/", views_transfer.transfer_send, name="transfer_send"),
    path("<uuid:payment_id>/", views_money.payment, name="payment"),
    path("statements/", views_statements.statements, name="statements"),
    path("statements/csv/", views_statements.statements_csv, name="statements_csv"),
    path("statements/<str:month>/", views_statements.statement_month, name="statement_month"),
    path("dev/codes/", views.dev_codes, name="dev_codes"),
    path("monitor/", views_console.monitor, name="monitor"),
    path("monitor/list/", views_console.payment_list, name="console_list"),
    path("monitor/<uuid:payment_id>/", views_console.payment, name="console_payment"),
    path("callbacks/<slug:channel>/", views_callbacks.callback, name="callback"),
    path("reconciliation/", views_reconciliation.runs, name="reconciliation"),
    path("reconciliation/run/", views_reconciliation.run_now, name="reconciliation_run"),
    path("reconciliation/runs/<uuid:run_id>/", views_reconciliation.report, name="recon_report"),
    path("reconciliation/breaks/", views_reconciliation.breaks, name="reconciliation_breaks"),
    path("reconciliation/<uuid:break_id>/", views_reconciliation.break_page, name="recon_break"),
    path("rules/", views_rules.rules, name="rules"),
    path("rules/limits/add/", views_rules.limit_add, name="rules_limit_add"),
    path("rules/limits/<uuid:rule_id>/", views_rules.limit_edit, name="rules_limit"),
    path(
        "rules/limits/<uuid:rule_id>/delete/", views_rules.limit_delete, name="rules_limit_delete"
    ),
    path("rules/fees/<slug:kind>/", views_rules.fee_edit, name="rules_fee"),
    path("channels/", views_channels.channels, name="channels"),
    path("channels/<slug:name>/", views_channels.channel, name="channel"),
    path("review/", views_rules.review_queue, name="review"),
    path("review/<uuid:payment_id>/", views_rules.review_payment, name="review_payment"),
]
