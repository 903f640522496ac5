import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from billing.ledger.totals import summary_differences, summary_rebuild


class Command(BaseCommand):
    help = _(
        "Check the ledger summary (balances per account and month) against every charge and "
        "payment; with --rebuild, recompute it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help=_("Recompute the summary from the entries.")
        )

    def handle(self, *args, rebuild=False, **options):
        start = time.monotonic()
        found = summary_rebuild() if rebuild else summary_differences()
        seconds = time.monotonic() - start
        if rebuild:
            after = summary_differences()
            if after:
                raise CommandError(_("The rebuilt summary still differs from the entries."))
            self.stdout.write(
                _(
                    "Summary rebuilt in %(seconds)s s; before, %(months)d month rows and "
                    "%(totals)d account rows differed from the entries."
                )
                % {
                    "seconds": number_format(seconds, 1),
                    "months": found.months,
                    "totals": found.totals,
                }
            )
            return
        if found:
            raise CommandError(
                _(
                    "The summary differs from the entries: %(months)d month rows and "
                    "%(totals)d account rows. Run: manage.py ledger_summary --rebuild"
                )
                % {"months": found.months, "totals": found.totals}
            )
        self.stdout.write(
            _("The summary agrees with every charge and payment (checked in %(seconds)s s).")
            % {"seconds": number_format(seconds, 1)}
        )
