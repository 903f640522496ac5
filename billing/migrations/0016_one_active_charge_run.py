"""One waiting or running charge run per month, in the database.

Before it, simultaneous starts of one month each made a run (one charged, the others found
nothing). Runs of a month started while another of that month was still waiting or running
are one double start: the run that charged most is kept (the earliest on a tie) and every
other run of the group that charged nothing, or is still waiting or running, is marked as an
error saying why, so the constraint can be added and staff see what happened."""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone, translation
from django.utils.translation import gettext

ACTIVE = ("pending", "running")


def double_starts(runs):
    """Groups (lists) of one month's runs whose lifetimes overlap, sorted by start."""
    groups, current, open_until = [], [], None
    for run in sorted(runs, key=lambda r: (r.created_at, r.pk)):
        ends = None if run.status in ACTIVE else (run.finished_at or run.created_at)
        if current and (open_until is None or run.created_at <= open_until):
            current.append(run)
            open_until = None if open_until is None or ends is None else max(open_until, ends)
        else:
            if len(current) > 1:
                groups.append(current)
            current, open_until = [run], ends
    if len(current) > 1:
        groups.append(current)
    return groups


def mark_double_starts(apps, schema_editor):
    ChargeRun = apps.get_model("billing", "ChargeRun")
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext(
            "A second start of the same month while another run was waiting or running: "
            "stopped. The month is charged by run no. %(kept)s."
        )
    now = timezone.now()
    periods = (
        ChargeRun.objects.exclude(status="error")
        .values("period")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("period", flat=True)
    )
    for period in list(periods):
        runs = list(ChargeRun.objects.filter(period=period).exclude(status="error"))
        for group in double_starts(runs):
            kept = max(group, key=lambda r: (r.charges_created, -r.created_at.timestamp(), -r.pk))
            for run in group:
                if run.pk != kept.pk and (run.charges_created == 0 or run.status in ACTIVE):
                    ChargeRun.objects.filter(pk=run.pk).update(
                        status="error",
                        error=reason % {"kept": kept.pk},
                        finished_at=run.finished_at or now,
                    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0015_invoice_numbers_per_seller")]

    operations = [
        migrations.RunPython(mark_double_starts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="chargerun",
            constraint=models.UniqueConstraint(
                condition=models.Q(status__in=["pending", "running"]),
                fields=("period",),
                name="one_active_charge_run_per_month",
            ),
        ),
    ]
