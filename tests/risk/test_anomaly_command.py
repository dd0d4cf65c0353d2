"""``hujin risk model train|list``: trains, measures and registers a candidate with its figures,
trained by the staff member ``--as`` names (or by "command"); lists the versions; refuses what it
cannot do with the reason. There is no ``activate``: a version is proposed only on the console
by the signed-in analyst, so one person cannot propose from the shell and approve at the
console."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from hujin.core.models import ApprovalRequest, AuditEntry
from hujin.identity.models import User
from hujin.risk.models_anomaly import AnomalyModel

pytestmark = pytest.mark.django_db
SMALL = ("--seed", "3", "--customers", "60", "--per-typology", "1")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("risk", *args, stdout=out)
    return out.getvalue()


def _staff(username: str, role: str) -> User:
    user = User.objects.create(username=username, kind=User.Kind.STAFF, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_trains_registers_and_lists_a_version_trained_by_the_command():
    trained = _run("model", "train", *SMALL)
    listed = _run("model", "list")

    model = AnomalyModel.objects.get()
    assert "registered v1 candidate" in trained and "structuring" in trained
    assert model.trained_by == "command" and model.data_summary["customers"] == 60
    assert listed.startswith("v1 candidate")


def test_a_version_trained_as_a_staff_member_records_that_person():
    analyst = _staff("analyst.li", "risk_analyst")

    _run("model", "train", *SMALL, "--as", "analyst.li")

    model = AnomalyModel.objects.get()
    audit = AuditEntry.objects.get(action="risk.anomaly_model_registered")
    assert model.trained_by == str(analyst.pk)
    assert (audit.actor_kind, audit.actor_id) == ("staff", str(analyst.pk))


@pytest.mark.parametrize("username", ["nobody", "auditor.zhao"])
def test_training_as_someone_unknown_or_without_the_permission_is_refused(username):
    _staff("auditor.zhao", "auditor")

    with pytest.raises(CommandError):
        _run("model", "train", *SMALL, "--as", username)

    assert not AnomalyModel.objects.exists()


def test_there_is_no_activation_from_the_shell():
    _run("model", "train", *SMALL)

    with pytest.raises(CommandError, match="invalid choice: 'activate'"):
        _run("model", "activate", "1", "--reason", "first model")

    assert not ApprovalRequest.objects.exists()


def test_a_size_out_of_range_is_refused_with_the_reason():
    with pytest.raises(CommandError, match="risk_anomaly_training_invalid"):
        _run("model", "train", "--customers", "3")

    assert not AnomalyModel.objects.exists()
