import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from billing.ledger import summary_triggers
from billing.ledger.totals import summary_differences, summary_rebuild, summary_repair


class Command(BaseCommand):
    help = _(
        "Check the ledger summary (balances per account and month) and its triggers against "
        "every charge and payment; with --rebuild, recompute it; with --repair, also put back "
        "missing triggers."
    )
    # It is the way out when the system check billing.E001 (a missing trigger) fails.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help=_("Recompute the summary from the entries.")
        )
        parser.add_argument(
            "--repair",
            action="store_true",
            help=_("Put back missing triggers, then recompute the summary if it differs."),
        )

    def handle(self, *args, rebuild=False, repair=False, **options):
        start = time.monotonic()
        if repair:
            done = summary_repair()
            self.stdout.write(
                _(
                    "Triggers put back: %(triggers)s. Before, %(months)d month rows and "
                    "%(totals)d account rows differed from the entries; the summary now agrees."
                )
                % {
                    "triggers": ", ".join(done.triggers) or _("none"),
                    "months": done.differences.months,
                    "totals": done.differences.totals,
                }
            )
            return
        missing = summary_triggers.missing(connection)
        if missing:
            raise CommandError(
                _("Missing summary triggers: %(names)s. Run: manage.py ledger_summary --repair")
                % {"names": ", ".join(missing)}
            )
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
