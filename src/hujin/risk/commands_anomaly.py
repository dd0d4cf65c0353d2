"""``hujin risk model train [--seed N] [--customers N] [--per-typology N] [--as USERNAME]``:
train the anomaly model on the synthetic history, measure it on a fresh seed and register it as
the next version (a candidate), trained by the staff member ``--as`` names (who must hold
``risk.edit_rules``) or else by "command"; ``hujin risk model list``: the versions with their
figures.

There is no ``activate`` here: a version is proposed for activation only on the console's model
page, by the signed-in analyst, so that maker-checker compares two real people (a proposal from
the shell would be a system actor's, which the person at the console could then approve).

The ``risk`` command (``management/commands/risk.py``) takes its ``model`` area from here, as
it takes ``rules`` from ``commands_rules``."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from hujin.core.actors import Actor
from hujin.core.errors import HujinError
from hujin.identity.access import is_console_user, staff_actor
from hujin.risk.anomaly_registry import anomaly_model_train
from hujin.risk.anomaly_train import MAX_CUSTOMERS, MIN_CUSTOMERS, PER_TYPOLOGY
from hujin.risk.models_anomaly import AnomalyModel
from hujin.risk.permissions import EDIT_RULES

AREA = "model"
OPERATOR = Actor(kind="system", id="command", label="hujin risk model",
                 scopes=frozenset({EDIT_RULES}))  # fmt: skip
DEFAULT_CUSTOMERS = 2_000


def model_parser_add(sub) -> None:
    """Add ``model train|list`` to the command's areas."""
    model = sub.add_parser(AREA, help="The anomaly model's versions.")
    actions = model.add_subparsers(dest="action", required=True)
    fit = actions.add_parser("train", help="Train, measure and register a new version.")
    fit.add_argument("--seed", type=int, default=1, help="The training history's seed.")
    fit.add_argument(
        "--customers", type=int, default=DEFAULT_CUSTOMERS,
        help=f"Ordinary customers to train on ({MIN_CUSTOMERS}-{MAX_CUSTOMERS}).",
    )  # fmt: skip
    fit.add_argument("--per-typology", type=int, default=PER_TYPOLOGY, dest="per_typology",
                     help="Customers of each typology in the measurement.")  # fmt: skip
    fit.add_argument(
        "--as",
        dest="as_user",
        default="",
        help="The staff member's username who trains it (risk.edit_rules).",
    )
    actions.add_parser("list", help="The versions, their state and figures.")


def _trainer(username: str) -> Actor:
    """The staff member named ``username`` as the Actor they are at the console, or the
    command itself when no one is named. Raises CommandError."""
    if not username:
        return OPERATOR
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not is_console_user(user):
        raise CommandError(f"no active staff member {username!r}")
    actor = staff_actor(user)
    if not actor.has_scope(EDIT_RULES):
        raise CommandError(f"{username!r} does not hold {EDIT_RULES}")
    return actor


def _line(model: AnomalyModel) -> str:
    flagged = model.metrics.get("normal_flagged", {})
    recall = model.metrics.get("recall", {})
    weakest = min((r.get("combined", 0) for r in recall.values()), default=0)
    return (f"v{model.version} {model.state:<9} trained {model.trained_at:%Y-%m-%d %H:%M} "
            f"threshold {model.threshold:.4f}  normal flagged: model {flagged.get('model', 0):.2%}"
            f", rules + model {flagged.get('combined', 0):.2%}; lowest rules + model recall "
            f"{weakest:.2f}")  # fmt: skip


def model_handle(command, action: str, options: dict) -> None:
    try:
        if action == "train":
            trainer = _trainer(options.get("as_user") or "")
            model = anomaly_model_train(
                actor=trainer, seed=options["seed"], customers=options["customers"],
                per_typology=options["per_typology"], now=timezone.now(),
            )  # fmt: skip
            command.stdout.write(command.style.SUCCESS(f"registered {_line(model)}"))
            for typology, r in model.metrics["recall"].items():
                command.stdout.write(
                    f"  {typology:<24} model {r['model']:.2f}  rules {r['rules']:.2f}  "
                    f"rules + model {r['combined']:.2f}"
                )
        else:
            for model in AnomalyModel.objects.defer("artefact"):
                command.stdout.write(_line(model))
    except HujinError as exc:
        raise CommandError(f"{exc.code}: {exc.message} {exc.details or ''}".strip()) from None
