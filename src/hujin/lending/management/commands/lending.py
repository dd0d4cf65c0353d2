"""``hujin lending ...``: the lending module's commands, one subcommand per area.

``hujin lending model train [--csv FILE --target COLUMN --bad-value VALUE] [--rows N]
[--seed S] [--name NAME] [--json] [--no-register]``: train a credit scorecard, on the
documented synthetic applicants (default 20,000 rows) or on any CSV (every column but the
target is a candidate characteristic), print its hold-out figures and register it.

``hujin lending model list [--json]``, ``hujin lending model promote VERSION``,
``hujin lending model retire VERSION``: the model registry."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hujin.core.actors import Actor
from hujin.core.errors import HujinError
from hujin.lending.errors import ScorecardDataInvalid, ScoreModelNotFound, ScoreModelStateInvalid
from hujin.lending.permissions import MANAGE_MODELS
from hujin.lending.selectors import model_get_by_version, models_list
from hujin.lending.services import model_promote, model_register, model_retire

# The command acts as the system, with the one scope the registry needs.
ACTOR = Actor(kind="system", id="lending.model", label="lending.model",
              scopes=frozenset({MANAGE_MODELS}))  # fmt: skip
DEFAULT_ROWS = 20_000
MAX_ROWS = 2_000_000

DATA_REASONS = {
    "unknown_target": "the target column {target!r} is not in the data",
    "bad_value_absent": "no row has the bad value {bad_value!r} in the target column",
    "one_class": "the target column {target!r} holds one class only: nothing to learn",
    "too_few_rows": "only {rows} rows with a target; at least {minimum} are needed",
    "too_few_of_a_class": "fewer than {minimum} goods or bads: too few to measure a model",
    "no_characteristics": "no column besides the target varies: nothing to score on",
    "no_information": "no column carries information about the target "
    "(information value below {minimum_iv}): nothing to score on",
}


class Command(BaseCommand):
    help = "Lending: train, list and promote credit score models."

    def add_arguments(self, parser):
        areas = parser.add_subparsers(dest="area", required=True)
        self._model_arguments(areas)
        verify = areas.add_parser("verify", help="Check that every loan's schedule and the "
                                  "ledger agree.")  # fmt: skip
        verify.add_argument("--json", action="store_true", help="Print one JSON object.")
        # Further areas: add a parser here and a handle_<area> method below.

    def _model_arguments(self, areas):
        model = areas.add_parser("model", help="The credit score models.")
        actions = model.add_subparsers(dest="action", required=True)

        train = actions.add_parser("train", help="Train a scorecard and register it.")
        train.add_argument("--csv", help="Train on this CSV instead of the synthetic set.")
        train.add_argument("--target", help="The CSV's target column (with --csv).")
        train.add_argument("--bad-value", help="The target's value meaning bad (with --csv).")
        train.add_argument(
            "--rows",
            type=int,
            default=None,
            help=f"Synthetic applicants to generate (default {DEFAULT_ROWS}).",
        )
        train.add_argument(
            "--seed", type=int, default=42, help="Seed of the data and of the split (default 42)."
        )
        train.add_argument("--name", help="The model's name in the registry.")
        train.add_argument("--json", action="store_true", help="Print one JSON object.")
        train.add_argument("--no-register", action="store_true",
                           help="Measure only: do not register the model.")  # fmt: skip

        listing = actions.add_parser("list", help="The registered versions.")
        listing.add_argument("--json", action="store_true", help="Print a JSON list.")

        for name, text in (("promote", "Make a version the champion."),
                           ("retire", "Stop scoring a challenger.")):  # fmt: skip
            action = actions.add_parser(name, help=text)
            action.add_argument("version", type=int, help="The model's version number.")

    def handle(self, *args, area, **options):
        return getattr(self, f"handle_{area}")(**options)

    # --- verify ----------------------------------------------------------------------------

    def handle_verify(self, *, json: bool = False, **options):
        import json as json_module
        import time
        from dataclasses import asdict

        from hujin.lending.verify import lending_verify

        started = time.monotonic()
        checked, problems = lending_verify()
        seconds = round(time.monotonic() - started, 2)
        if json:
            self.stdout.write(json_module.dumps({
                "ok": not problems, "loans": checked, "seconds": seconds,
                "problems": [asdict(p) for p in problems[:100]],
            }))  # fmt: skip
        else:
            for p in problems[:100]:
                self.stdout.write(f"{p.loan}: {p.check} expected {p.expected}, found {p.found}")
            verdict = "OK" if not problems else f"{len(problems)} problem(s)"
            self.stdout.write(f"{checked:,} loans checked in {seconds} s: {verdict}")
        if problems:
            raise CommandError("the loans' schedules and the ledger disagree")

    # --- model -----------------------------------------------------------------------------

    def handle_model(self, *, action, **options):
        return getattr(self, f"_model_{action}")(**options)

    def _frame(self, options):
        """The training data, its target and bad value, and where it came from."""
        if options["csv"]:
            import pandas as pd

            if not options["target"] or options["bad_value"] is None:
                raise CommandError("--csv needs --target COLUMN and --bad-value VALUE")
            if options["rows"] is not None:
                raise CommandError("--rows applies to the generated data set, not to --csv")
            path = Path(options["csv"])
            try:
                frame = pd.read_csv(path)
            except FileNotFoundError:
                raise CommandError(f"no such file: {path}") from None
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise CommandError(f"cannot read {path} as CSV: {exc}") from None
            return frame, options["target"], options["bad_value"], f"csv:{path.name}"
        if options["target"] or options["bad_value"] is not None:
            raise CommandError("--target and --bad-value go with --csv")
        from hujin.lending.scorecard.generate import BAD_VALUE, TARGET, applicants

        rows = DEFAULT_ROWS if options["rows"] is None else options["rows"]
        if not 0 < rows <= MAX_ROWS:
            raise CommandError(f"--rows must be between 1 and {MAX_ROWS:,}")
        return applicants(rows, options["seed"]), TARGET, BAD_VALUE, "synthetic"

    def _model_train(self, **options):
        from hujin.lending.scorecard.train import HOLD_OUT, train

        frame, target, bad_value, source = self._frame(options)
        try:
            trained = train(frame, target=target, bad_value=bad_value, seed=options["seed"])
        except ScorecardDataInvalid as exc:
            details = exc.details
            reason = DATA_REASONS.get(details.get("reason"), "{reason}")
            raise CommandError(f"{reason.format(**details)}; nothing was registered") from None
        summary = {"source": source, **trained.summary, "hold_out_share": HOLD_OUT,
                   "seconds": trained.seconds}  # fmt: skip
        result = {
            **trained.metrics,
            "rows": summary["rows"],
            "bad_rate": summary["bad_rate"],
            "characteristics": list(trained.characteristics),
            "candidates": summary["candidates"],
            "seconds": trained.seconds,
        }
        if not options["no_register"]:
            name = options["name"] or (
                f"{source}-{summary['rows']}-seed{options['seed']}"
                if source == "synthetic" else f"{Path(options['csv']).stem}-seed{options['seed']}"
            )  # fmt: skip
            try:
                model = model_register(actor=ACTOR, name=name[:100], trained=trained,
                                       data_summary=summary, now=timezone.now())  # fmt: skip
            except HujinError as exc:
                raise CommandError(f"not registered: {exc.message}") from None
            result.update(version=model.version, role=model.role, name=model.name)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        kept, candidates = result["characteristics"], result["candidates"]
        self.stdout.write(
            f"Trained on {result['rows']:,} rows (bad rate {result['bad_rate']:.1%}) in "
            f"{result['seconds']:.1f} s; {len(kept)} of {len(candidates)} characteristics kept.\n"
            f"  hold-out AUC {result['auc']:.4f}  KS {result['ks']:.4f}  "
            f"Gini {result['gini']:.4f}\n"
            f"  5-fold cross-validated AUC {result['cv_auc']:.4f} "
            f"(± {result['cv_auc_std']:.4f})\n"
            f"  plain logistic regression, same split: AUC {result['logistic_auc']:.4f}\n"
            f"  characteristics: {', '.join(kept)}"
        )
        dropped = [c for c in candidates if c not in kept]
        if dropped:
            self.stdout.write(f"  dropped (no information): {', '.join(dropped)}")
        if "version" in result:
            self.stdout.write(f"Registered as version {result['version']} ({result['role']}).")
        else:
            self.stdout.write("Not registered (--no-register).")

    def _model_list(self, **options):
        models = models_list()
        if options["json"]:
            rows = [{"version": m.version, "name": m.name, "role": m.role, **m.metrics,
                     "rows": m.data_summary.get("rows"),
                     "trained_at": m.trained_at.isoformat()} for m in models]  # fmt: skip
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        if not models:
            self.stdout.write("No model registered yet: run `hujin lending model train`.")
            return
        self.stdout.write(f"{'version':>7}  {'role':<10}  {'AUC':>6}  {'KS':>6}  {'Gini':>6}  "
                          f"{'CV AUC':>6}  {'rows':>9}  name")  # fmt: skip
        for m in models:
            figures = "  ".join(
                f"{m.metrics[k]:>6.3f}" if k in m.metrics else f"{'-':>6}"
                for k in ("auc", "ks", "gini", "cv_auc")
            )
            rows = m.data_summary.get("rows")
            self.stdout.write(f"{m.version:>7}  {m.role:<10}  {figures}  "
                              f"{rows if rows is not None else '-':>9}  {m.name}")  # fmt: skip

    def _by_version(self, version: int):
        try:
            return model_get_by_version(version=version)
        except ScoreModelNotFound:
            raise CommandError(f"no model with version {version}") from None

    def _model_promote(self, *, version, **options):
        model = self._by_version(version)
        try:
            model = model_promote(actor=ACTOR, model_id=model.id, now=timezone.now())
        except ScoreModelStateInvalid as exc:
            raise CommandError(f"version {version} is {exc.details.get('role')}: "
                               "only a challenger can be promoted") from None  # fmt: skip
        self.stdout.write(f"Version {model.version} is now the champion.")

    def _model_retire(self, *, version, **options):
        model = self._by_version(version)
        try:
            model = model_retire(actor=ACTOR, model_id=model.id, now=timezone.now())
        except ScoreModelStateInvalid as exc:
            raise CommandError(f"version {version} is {exc.details.get('role')}: "
                               "only a challenger can be retired") from None  # fmt: skip
        self.stdout.write(f"Version {model.version} is retired.")
