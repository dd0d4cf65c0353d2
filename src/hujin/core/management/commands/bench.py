"""``hujin bench <name> [options]``: run the benchmark in ``bench/<name>.py``.

Benchmarks live outside the package, in the project's ``bench/`` directory (next to
pyproject.toml), and are never run as timed tests. A benchmark module defines
``run(argv: list[str]) -> int | None``: it parses its own options (``hujin bench <name> --help``)
and returns the exit status. ``hujin bench`` alone lists the benchmarks.
"""

import argparse
import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from django.core.management.base import BaseCommand, CommandError


def project_root() -> Path | None:
    """The directory holding pyproject.toml and bench/: above this file, else above the cwd."""
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for directory in (start, *start.parents):
            if (directory / "pyproject.toml").is_file() and (directory / "bench").is_dir():
                return directory
    return None


def benchmarks(root: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted((root / "bench").glob("*.py")) if not p.stem.startswith("_")}


def load_benchmark(path: Path) -> ModuleType:
    module_name = f"hujin_bench_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise CommandError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    if not callable(getattr(module, "run", None)):
        raise CommandError(f"{path} defines no run(argv)")
    return module


def _summary(path: Path) -> str:
    try:
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    except (OSError, SyntaxError):
        doc = ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


class Command(BaseCommand):
    help = "Run a benchmark from bench/<name>.py, e.g. `hujin bench ledger --seconds 10`."
    # A benchmark works on its own scratch database; nothing here needs the checks.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="benchmark: bench/<name>.py")
        parser.add_argument(
            "args", nargs=argparse.REMAINDER, help="the benchmark's own options (see its --help)"
        )

    def handle(self, *args, name=None, **options):
        root = project_root()
        if root is None:
            raise CommandError(
                "cannot find the project's bench/ directory (next to pyproject.toml); "
                "run from a source checkout"
            )
        available = benchmarks(root)
        if not name:
            self.stdout.write(f"Benchmarks in {root / 'bench'}:")
            for bench_name, path in available.items():
                self.stdout.write(f"  {bench_name:<12} {_summary(path)}")
            return
        if name not in available:
            raise CommandError(
                f"no benchmark {name!r} in {root / 'bench'} "
                f"(available: {', '.join(available) or 'none'})"
            )
        module = load_benchmark(available[name])
        status = module.run(list(args))
        if status:
            sys.stdout.flush()
            raise SystemExit(status)
