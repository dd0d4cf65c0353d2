"""The close-of-business step ``risk.anomaly_score`` (SQLite here; PostgreSQL with
``DATABASE_URL``): with no active model it does nothing and says so; the active model scores
every customer active on the business date (a day in Asia/Shanghai) against their own 30 days
before; an unusual day becomes an alert naming its three most unusual features in both
languages, with its audit entry and ``risk.alert_raised``; running it again writes nothing
twice, even after a crash and another version made active; alerts are capped per date, highest
scores first; a tampered active model scores nothing and the step says so."""

import uuid
from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.risk.anomaly_registry import anomaly_model_register
from hujin.risk.anomaly_score import cob_anomaly_score
from hujin.risk.anomaly_train import train
from hujin.risk.models import Alert
from hujin.risk.models_anomaly import AnomalyModel, AnomalyScore
from tests.risk.anomaly_helpers import (
    MAKER,
    at_local,
    entry,
    fan_out_night,
    made_active,
    ordinary_month,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def trained():
    return train(seed=11, customers=200, per_typology=1)


@pytest.fixture
def active(trained, now):
    return made_active(anomaly_model_register(actor=MAKER, trained=trained, now=now), now)


@pytest.fixture
def day(business_date):
    """An ordinary customer and a customer who pays 12 strangers at night, on the date."""
    ordinary, unusual = uuid.uuid4(), uuid.uuid4()
    for customer in (ordinary, unusual):
        ordinary_month(customer, business_date)
    entry(ordinary, at_local(business_date, 10), amount=95_000, counterparty="payee-1")
    fan_out_night(unusual, business_date)
    return ordinary, unusual


def test_without_an_active_model_it_does_nothing_and_says_so(day, business_date, now):
    result = cob_anomaly_score(business_date, now)

    assert result["model"] is None and "no active" in result["note"]
    assert not AnomalyScore.objects.exists() and not Alert.objects.exists()


def test_scores_each_customer_of_the_day_and_alerts_on_the_unusual_one(
    active, day, business_date, now
):
    ordinary, unusual = day

    result = cob_anomaly_score(business_date, now)

    assert {k: v for k, v in result.items() if k != "windows"} == {
        "model": 1, "customers": 2, "scored": 2, "already_scored": 0, "anomalous": 1,
        "anomalous_share": 0.5, "alerts": 1, "alerts_per_day": 50,
    }  # fmt: skip
    scores = {s.customer_id: s for s in AnomalyScore.objects.all()}
    assert not scores[ordinary].anomalous and scores[unusual].anomalous
    assert scores[unusual].score > scores[ordinary].score >= 0
    assert scores[unusual].values["new_counterparties"] == 12
    [alert] = Alert.objects.all()
    assert (alert.customer_id, alert.source, alert.code) == (unusual, "anomaly", "ANOMALY-v1")
    assert scores[unusual].alert_id == alert.id and 50 <= alert.score <= 100
    reasons = alert.details["reasons"]
    assert len(reasons) == 3 and all(r["en"] and r["zh"] for r in reasons)
    assert alert.details["business_date"] == business_date.isoformat()


def test_the_reasons_say_the_value_against_the_customers_usual(active, day, business_date, now):
    cob_anomaly_score(business_date, now)

    reasons = Alert.objects.get().details["reasons"]

    assert [(r["feature"], r["value"], r["usual"], r["en"], r["zh"]) for r in reasons] == [
        ("new_counterparties", 12, 0, "12 counterparties not seen in the 30 days before.",
         "12 个交易对手在此前 30 天内从未出现。"),
        ("counterparties", 12, 1.2, "12 counterparties in the day; usually 1.2.",
         "当日 12 个交易对手；平时约 1.2 个。"),
        ("movements", 12, 1.2, "12 movements in the day; usually 1.2.",
         "当日 12 笔交易；平时约 1.2 笔。"),
    ]  # fmt: skip


def test_the_alert_is_raised_with_its_audit_entry_and_event(active, day, business_date, now):
    cob_anomaly_score(business_date, now)
    alert = Alert.objects.get()

    audit = AuditEntry.objects.get(action="risk.alert_raised", target_id=str(alert.id))
    event = OutboxEvent.objects.get(event_type="risk.alert_raised", aggregate_id=str(alert.id))

    assert audit.after["code"] == "ANOMALY-v1" and audit.after["source"] == "anomaly"
    assert audit.occurred_at == alert.raised_at == event.occurred_at
    assert (audit.actor_kind, audit.actor_id) == ("system", "risk.anomaly_score")
    assert event.payload == {"alert_id": str(alert.id), **audit.after}
    assert event.payload["customer_id"] == str(day[1]) and "reasons" not in event.payload


def test_running_it_again_writes_nothing_twice(active, day, business_date, now):
    cob_anomaly_score(business_date, now)

    again = cob_anomaly_score(business_date, now)

    assert again["scored"] == 0 and again["already_scored"] == 2 and again["alerts"] == 0
    assert AnomalyScore.objects.count() == 2 and Alert.objects.count() == 1


def test_a_rerun_after_a_crash_and_another_version_raises_one_alert_per_customer(
    trained, active, business_date, now, monkeypatch
):
    from hujin.risk import anomaly_score

    customers = [uuid.uuid4() for _ in range(3)]
    for customer in customers:
        ordinary_month(customer, business_date)
        fan_out_night(customer, business_date)
    rows, calls = anomaly_score._rows, []

    def failing_in_the_second_chunk(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return rows(*args)

    monkeypatch.setattr(anomaly_score, "CHUNK", 1)
    monkeypatch.setattr(anomaly_score, "_rows", failing_in_the_second_chunk)
    with pytest.raises(RuntimeError):
        cob_anomaly_score(business_date, now)
    assert AnomalyScore.objects.count() == 1
    monkeypatch.setattr(anomaly_score, "_rows", rows)
    AnomalyModel.objects.filter(id=active.id).update(state="retired")
    made_active(anomaly_model_register(actor=MAKER, trained=trained, now=now), now)

    result = cob_anomaly_score(business_date, now)

    assert (result["model"], result["scored"], result["already_scored"]) == (2, 2, 1)
    assert sorted(AnomalyScore.objects.values_list("model__version", flat=True)) == [1, 2, 2]
    alerts = list(Alert.objects.values_list("customer_id", flat=True))
    assert sorted(alerts) == sorted(customers)  # one each: never ANOMALY-v1 and -v2 for one


def test_alerts_are_capped_per_date_highest_scores_first(active, business_date, now, settings):
    settings.HUJIN_RISK_ANOMALY_ALERTS_PER_DAY = 1
    mild, wild = uuid.uuid4(), uuid.uuid4()
    for customer in (mild, wild):
        ordinary_month(customer, business_date)
        fan_out_night(customer, business_date)
    for n in range(20):
        entry(wild, at_local(business_date, 3), kind="withdrawal", amount=5_000_000,
              counterparty=f"card-{n}")  # fmt: skip

    result = cob_anomaly_score(business_date, now)
    again = cob_anomaly_score(business_date, now)

    scores = {s.customer_id: s for s in AnomalyScore.objects.all()}
    assert scores[mild].anomalous and scores[wild].score > scores[mild].score
    assert (result["anomalous"], result["alerts"], result["anomalous_share"]) == (2, 1, 1.0)
    assert result["alerts_per_day"] == 1 and again["alerts"] == 0
    [alert] = Alert.objects.all()
    assert alert.customer_id == wild and scores[wild].alert_id == alert.id
    assert scores[mild].alert_id is None and scores[mild].reasons


@pytest.mark.parametrize("tamper", [{"threshold": 0.99}, {"baseline": {}},
                                    {"artefact": b"another forest"}])  # fmt: skip
def test_a_tampered_active_model_scores_nothing_and_says_so(
    active, day, business_date, now, tamper
):
    AnomalyModel.objects.filter(id=active.id).update(**tamper)

    result = cob_anomaly_score(business_date, now)

    assert result["model"] == 1 and result["scored"] == 0 and "nothing scored" in result["refused"]
    assert not AnomalyScore.objects.exists() and not Alert.objects.exists()


def test_the_day_is_the_business_date_in_asia_shanghai(active, business_date, now):
    before_midnight, at_midnight = uuid.uuid4(), uuid.uuid4()
    entry(before_midnight, at_local(business_date, 0) - timedelta(minutes=1))
    entry(at_midnight, at_local(business_date, 0) - timedelta(minutes=1))
    entry(at_midnight, at_local(business_date, 0), counterparty="payee-2")

    result = cob_anomaly_score(business_date, now)

    [score] = AnomalyScore.objects.all()
    assert result["customers"] == 1 and score.customer_id == at_midnight
    assert score.values["movements"] == 1 and score.values["new_counterparties"] == 1


def test_the_result_says_when_no_rule_is_in_force(active, day, business_date, now):
    result = cob_anomaly_score(business_date, now)

    assert "no rule is in force" in result["windows"]


def test_log_ins_alone_make_a_customer_of_the_day(active, business_date, now):
    customer = uuid.uuid4()
    entry(customer, at_local(business_date, 9), kind="login", direction="", amount=0,
          counterparty="")  # fmt: skip

    result = cob_anomaly_score(business_date, now)

    assert result["scored"] == 1
    assert AnomalyScore.objects.get().values["logins"] == 1


def test_the_step_runs_at_every_close_of_business_named_in_both_languages():
    from django.utils import translation

    from hujin.core.cob import cob_steps
    from hujin.core.cob_labels import cob_step_label

    assert "risk.anomaly_score" in [step.name for step in cob_steps()]
    with translation.override("zh-hans"):
        assert str(cob_step_label("risk.anomaly_score")) == "用异常模型为客户当日行为评分"


def test_a_version_approved_by_a_checker_scores(trained, day, business_date, now):
    from hujin.core.approvals import approval_decide
    from hujin.risk.anomaly_registry import anomaly_model_activate_propose
    from tests.risk.anomaly_helpers import CHECKER

    model = anomaly_model_register(actor=MAKER, trained=trained, now=now)
    request = anomaly_model_activate_propose(actor=MAKER, model_id=model.id, reason="go",
                                             now=now)  # fmt: skip
    approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now)

    result = cob_anomaly_score(business_date, now)

    assert "refused" not in result and result["scored"] == 2 and result["alerts"] == 1
