"""Registrations of the anomaly model: its versions' activation under maker-checker, the
close-of-business step that scores the business date's customers, its page in the risk area."""


def register() -> None:
    """Called once from the app's ``ready``."""
    from django.utils.translation import pgettext_lazy

    from hujin.core.approvals import register_approval_action
    from hujin.core.cob import register_cob_step
    from hujin.core.cob_labels import cob_step_label_register
    from hujin.risk import anomaly_navigation, anomaly_registry, anomaly_score
    from hujin.risk.permissions import APPROVE_RULES

    register_approval_action(
        anomaly_registry.ACTION, permission=APPROVE_RULES,
        execute=anomaly_registry.anomaly_model_activate_execute,
        describe=anomaly_navigation.activation_describe, label=anomaly_navigation.LABEL,
    )  # fmt: skip
    register_cob_step(name=anomaly_score.STEP, order=115, func=anomaly_score.cob_anomaly_score)
    cob_step_label_register(
        anomaly_score.STEP,
        pgettext_lazy("cob step", "Score the customers' day with the anomaly model"),
    )
    anomaly_navigation.register()
