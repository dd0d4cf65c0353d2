"""The risk module's reads (its public face), for who holds ``risk.view_risk``: the rules, one
rule's versions, and what a version in shadow would have fired on (``rulebook_reads``); the
screening lists, their entries and hits (``lists_selectors``); the alert queue and an alert
(``alerts_selectors``); the decision log and a decision (``decisions_selectors``)."""

from hujin.risk.alerts_selectors import (
    AlertDetail,
    AlertFilters,
    AlertPage,
    AlertRow,
    alert_detail,
    alert_queue,
    alerts_open_count,
)
from hujin.risk.anomaly_registry import anomaly_model_active
from hujin.risk.anomaly_selectors import anomaly_model_page
from hujin.risk.cases_detail import CaseDetail, case_detail
from hujin.risk.cases_graph import Counterparty, CounterpartyGraph
from hujin.risk.cases_selectors import (
    CaseClock,
    CaseRef,
    CaseRow,
    case_clock,
    case_of_alert,
    case_queue,
    cases_open_count,
)
from hujin.risk.decisions_selectors import (
    DecisionAlert,
    DecisionDetail,
    DecisionFilters,
    DecisionPage,
    DecisionRow,
    FindingView,
    SeenValue,
    decision_detail,
    decision_log,
    rule_choices,
)
from hujin.risk.lists_selectors import (
    customer_watchlist_hit,
    watchlist_hits,
    watchlist_open_hits_count,
    watchlist_version_entries,
    watchlists_overview,
)
from hujin.risk.reports_selectors import (
    Clock,
    ReportDetail,
    ReportFilters,
    ReportRow,
    lv_dates_open,
    report_detail,
    reports_queue,
    reports_waiting_count,
)
from hujin.risk.rulebook_reads import (
    RuleHistory,
    RuleRow,
    ShadowEvent,
    ShadowResults,
    VersionRow,
    rule_history,
    rule_list,
    shadow_results,
)

__all__ = [
    "AlertDetail",
    "AlertFilters",
    "AlertPage",
    "AlertRow",
    "CaseClock",
    "CaseDetail",
    "CaseRef",
    "CaseRow",
    "Clock",
    "Counterparty",
    "CounterpartyGraph",
    "DecisionAlert",
    "DecisionDetail",
    "DecisionFilters",
    "DecisionPage",
    "DecisionRow",
    "FindingView",
    "ReportDetail",
    "ReportFilters",
    "ReportRow",
    "RuleHistory",
    "RuleRow",
    "SeenValue",
    "ShadowEvent",
    "ShadowResults",
    "VersionRow",
    "alert_detail",
    "alert_queue",
    "alerts_open_count",
    "anomaly_model_active",
    "anomaly_model_page",
    "case_clock",
    "case_detail",
    "case_of_alert",
    "case_queue",
    "cases_open_count",
    "customer_watchlist_hit",
    "decision_detail",
    "decision_log",
    "lv_dates_open",
    "report_detail",
    "reports_queue",
    "reports_waiting_count",
    "rule_choices",
    "rule_history",
    "rule_list",
    "shadow_results",
    "watchlist_hits",
    "watchlist_open_hits_count",
    "watchlist_version_entries",
    "watchlists_overview",
]
