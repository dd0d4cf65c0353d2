from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "hujin.risk"
    label = "risk"
    verbose_name = "Risk and AML monitoring"

    def ready(self) -> None:
        from hujin.identity.roles import register_role_permissions
        from hujin.risk.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
        _register_rules()
        _register_screen()
        _register_personal_data()
        _register_lists()
        _register_alerts()
        _register_casework()


def _register_casework() -> None:
    """Cases, the reports to the authority and the anomaly model: their approval actions,
    close-of-business steps, words and pages."""
    from hujin.risk import anomaly_setup, cases_setup, reports_setup

    cases_setup.register()
    reports_setup.register()
    anomaly_setup.register()


def _register_screen() -> None:
    """The rules in force screen every money movement, after payments' limits (order 10), and
    every log-in attempt."""
    from django.utils.translation import pgettext_lazy

    from hujin.core.cob import register_cob_step
    from hujin.core.cob_labels import cob_step_label_register
    from hujin.core.events import event_subscribe
    from hujin.core.screening import login_observer_register, movement_screen_register
    from hujin.risk import screen, screen_logins, tasks

    movement_screen_register(
        screen.SCREEN, screen.risk_screen, order=screen.ORDER, in_force=screen.risk_in_force,
        on_refused=screen.risk_refused,
    )  # fmt: skip
    login_observer_register(screen.SCREEN, screen_logins.risk_login_observe)
    register_cob_step(name="risk.windows_prune", order=120, func=tasks.cob_windows_prune)
    cob_step_label_register(
        "risk.windows_prune", pgettext_lazy("cob step", "Forget the risk windows' old entries")
    )
    event_subscribe(tasks.PAYMENT_FAILED, tasks.on_payment_failed, name="risk.windows")
    event_subscribe(tasks.TRANSFER_SUCCEEDED, tasks.on_transfer_released,
                    name="risk.windows_released")  # fmt: skip


def _register_rules() -> None:
    """The rule store: its maker-checker action (a rule put in shadow, live or retired), the
    closing of a proposal the checker rejected or the maker withdrew, its names in the audit
    trail and the inbox, and its pages in the console's risk area."""
    from hujin.core.approvals import register_approval_action
    from hujin.core.events import event_subscribe
    from hujin.risk import rulebook, rulebook_names, rulebook_navigation
    from hujin.risk.permissions import APPROVE_RULES

    register_approval_action(
        rulebook.ACTION, permission=APPROVE_RULES, execute=rulebook.rule_put_in_force_execute,
        describe=rulebook_names.rule_request_describe, label=rulebook_names.LABEL,
    )  # fmt: skip
    for event_type in ("approval.rejected", "approval.cancelled"):
        event_subscribe(event_type, rulebook.rule_proposal_closed,
                        name="risk.rule_proposal_closed")  # fmt: skip
    rulebook_names.register()
    rulebook_navigation.register()


def _register_lists() -> None:
    """The screening lists: customers screened at onboarding and a payee on its first transfer
    (events of customers and payments), the screening tasks, the pages in the risk area."""
    from hujin.risk import handlers_lists, lists_navigation, tasks_lists  # noqa: F401 -- tasks

    handlers_lists.register()
    lists_navigation.register()


def _register_alerts() -> None:
    """The alert queue and the decision log in the risk area (the open alerts as its waiting
    work), the words of alerts' states and decisions' outcomes, the triage in the audit trail."""
    from hujin.risk import alerts_navigation

    alerts_navigation.register()


def _register_personal_data() -> None:
    from hujin.core.personal_data import register_personal_data
    from hujin.risk import personal_data

    register_personal_data(
        "risk", export=personal_data.risk_export, anonymise=personal_data.risk_anonymise,
        retention=personal_data.RETENTION,
    )  # fmt: skip
