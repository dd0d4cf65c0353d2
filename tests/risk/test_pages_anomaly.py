"""The anomaly model page, in English and Chinese: its versions with their figures and the
proposal form for a candidate; the latest business date's top anomalies with the customer by
masked name and each unusual feature drawn as bars; a proposal without a reason refused next to
its form; an anomaly alert's page gives the reasons in the page's language; refused to staff
without the permission."""

import re

import pytest

from hujin.core.models import ApprovalRequest
from hujin.risk.anomaly_registry import anomaly_model_register
from hujin.risk.anomaly_score import cob_anomaly_score
from hujin.risk.anomaly_train import train
from hujin.risk.models import Alert
from hujin.risk.models_anomaly import AnomalyModel
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.anomaly_helpers import MAKER, fan_out_night, made_active, ordinary_month

MODELS = "/risk/models/"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def trained():
    return train(seed=11, customers=200, per_typology=1)


@pytest.fixture
def scored(trained, make_customer, business_date, now):  # noqa: F811
    """Version 1 active and version 2 a candidate; 张三 paid 12 strangers at night."""
    first = anomaly_model_register(actor=MAKER, trained=trained, now=now)
    made_active(first, now)
    anomaly_model_register(actor=MAKER, trained=trained, now=now)
    customer = make_customer(name="张三").customer
    ordinary_month(customer.id, business_date)
    fan_out_night(customer.id, business_date)
    cob_anomaly_score(business_date, now)
    return customer


def _main(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def test_shows_the_versions_and_the_top_anomalies_with_bars(role_client, scored):
    main = _main(role_client("risk_analyst").get(MODELS))

    assert 'data-version="1"' in main and 'data-version="2"' in main
    assert "Candidate" in main and "Active" in main and "Recall by typology" in main
    assert "Structuring" in main and "Ordinary customers flagged" in main
    assert 'data-testid="measured-against">the shipped rules<' in main  # trained outside a page
    assert "张*" in main and str(scored.id) not in re.sub(r'href="[^"]*"', "", main)
    assert main.count('class="bars"') == 3 and "Open the alert" in main
    assert 'data-testid="propose-form"' in main  # the candidate's only
    assert main.count('data-testid="propose-form"') == 1


def test_the_page_reads_in_chinese(role_client, scored):
    main = _main(role_client("risk_analyst").get(MODELS, headers={"accept-language": "zh-hans"}))

    assert "异常模型" in main and "各类型的召回率" in main and "候选" in main
    assert "拆分交易" in main and "平时" in main and "随 Hujin 发布的规则" in main


def test_a_reader_sees_no_proposal_form(role_client, scored):
    main = _main(role_client("auditor").get(MODELS))

    assert 'data-testid="propose-form"' not in main and 'data-version="2"' in main


def test_a_proposal_goes_to_the_approvals_inbox(role_client, scored):
    candidate = AnomalyModel.objects.get(version=2)

    response = role_client("risk_analyst").post(
        f"{MODELS}{candidate.id}/propose/", {"reason": "better recall", "version": "2"}
    )

    assert response.status_code == 302
    request = ApprovalRequest.objects.get(target_id=str(candidate.id))
    assert request.status == "pending" and request.payload["version"] == 2


def test_a_proposal_without_a_reason_is_refused_next_to_its_form(role_client, scored):
    candidate = AnomalyModel.objects.get(version=2)

    response = role_client("risk_analyst").post(f"{MODELS}{candidate.id}/propose/",
                                                {"reason": " ", "version": "2"})  # fmt: skip

    assert response.status_code == 400
    assert "Say why this version should be the active one." in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_the_anomaly_alert_page_gives_its_reasons_in_both_languages(role_client, scored):
    alert = Alert.objects.get(source="anomaly")
    client = role_client("risk_analyst")

    english = _main(client.get(f"/risk/alerts/{alert.id}/"))
    chinese = _main(client.get(f"/risk/alerts/{alert.id}/", headers={"accept-language": "zh-hans"}))

    assert 'data-testid="anomaly-reasons"' in english
    assert alert.details["reasons"][0]["en"] in english
    assert alert.details["reasons"][0]["zh"] in chinese


def test_refused_to_staff_without_the_permission(role_client, scored):
    assert role_client("customer_service").get(MODELS).status_code == 403


def test_proposing_is_refused_to_staff_without_risk_edit_rules(role_client, scored):
    candidate = AnomalyModel.objects.get(version=2)

    response = role_client("auditor").post(f"{MODELS}{candidate.id}/propose/",
                                           {"reason": "mine now", "version": "2"})  # fmt: skip

    assert response.status_code == 403
    assert not ApprovalRequest.objects.exists()


def test_the_bars_show_the_days_amount_and_no_history_as_such(
    role_client,
    trained,
    business_date,
    make_customer,  # noqa: F811
    now,
):
    from tests.risk.anomaly_helpers import at_local, entry

    made_active(anomaly_model_register(actor=MAKER, trained=trained, now=now), now)
    customer = make_customer(name="李四").customer
    for n in range(12):
        entry(customer.id, at_local(business_date, 2 + n / 6), amount=3_000_000,
              counterparty=f"mule-{n}")  # fmt: skip
    cob_anomaly_score(business_date, now)

    main = _main(role_client("risk_analyst").get(MODELS))
    chinese = _main(role_client("risk_analyst").get(MODELS, headers={"accept-language": "zh-hans"}))

    assert "no history yet" in main and "¥1,000" not in main
    assert "尚无历史" in chinese
