"""``hujin products nav-import PRODUCT_CODE FILE [--confirmed]``: publish a product's NAVs (or
money-market income) from a CSV file, all or nothing, as operations do on the console's import
page; a wrong line is named with its number and reason and nothing is published."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hujin.core.actors import Actor
from hujin.core.dates import business_date_get
from hujin.products import labels
from hujin.products.errors import NavInvalid, ProductNotFound
from hujin.products.permissions import PUBLISH_NAV
from hujin.products.selectors import product_get_by_code
from hujin.products.services import nav_import_csv

# The command acts as the system, with the one scope the import needs.
ACTOR = Actor(kind="system", id="products.nav-import", label="products.nav-import",
              scopes=frozenset({PUBLISH_NAV}))  # fmt: skip


class Command(BaseCommand):
    help = "Products: import NAVs or money-market income from a CSV file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        nav = sub.add_parser("nav-import", help="Publish a product's NAV / income from a CSV.")
        nav.add_argument("code", help="The product's code, such as HJ-MMF-01.")
        nav.add_argument("file", help="The CSV: date,nav or date,income_per_10k,yield_7d.")
        nav.add_argument("--confirmed", action="store_true",
                         help="Publish even unusually large day-to-day changes.")  # fmt: skip

    def handle(self, *args, action, **options):
        try:
            product = product_get_by_code(code=options["code"])
        except ProductNotFound:
            raise CommandError(f"no product with the code {options['code']!r}") from None
        try:
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        now = timezone.now()
        try:
            points = nav_import_csv(actor=ACTOR, product_id=product.id, text=text,
                                    confirmed=options["confirmed"],
                                    business_date=business_date_get(now=now), now=now)  # fmt: skip
        except NavInvalid as exc:
            details = exc.details or {}
            where = f"line {details['line']}: " if "line" in details else ""
            raise CommandError(
                f"{where}{labels.nav_reason(details) or exc.message} ({details.get('reason')}); "
                "nothing was published"
            ) from None
        self.stdout.write(f"{len(points)} business dates published for {product.code}.")
