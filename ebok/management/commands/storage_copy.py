from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.stored_files import copy_from_local


class Command(BaseCommand):
    help = _(
        "Copy every file the database names from a local folder (the old MEDIA_ROOT) to the "
        "configured storage, under the same name, and compare their SHA-256. Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-local",
            required=True,
            type=Path,
            metavar="DIR",
            help=_("The folder the files are in now."),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Compare and count; upload nothing.")
        )

    def handle(self, *args, from_local, dry_run=False, **options):
        if not from_local.is_dir():
            raise CommandError(_("%(dir)s is not a folder.") % {"dir": from_local})
        self.stdout.write(
            _("From %(dir)s to %(storage)s.") % {"dir": from_local, "storage": _target()}
        )
        report = copy_from_local(from_local, dry_run=dry_run)
        listed = [
            (_("In neither the folder nor storage"), report.missing),
            (_("Stored with other content"), report.differ),
            (_("Different after upload"), report.failed),
        ]
        for label, count in [
            (_("Files named in the database"), report.names),
            (_("Already stored with the same SHA-256"), report.present),
            (_("To upload") if dry_run else _("Uploaded and checked"), report.uploaded),
            (_("Stored, not in the folder"), report.stored_only),
            *((label, len(names)) for label, names in listed),
        ]:
            self.stdout.write(f"{label}: {count}")
        for label, names in listed:
            for name in names:
                self.stdout.write(f"{label}: {name}")
        if not report.ok:
            raise CommandError(
                _("Some files differ from their stored copy; nothing was overwritten.")
            )


def _target() -> str:
    bucket = getattr(default_storage, "bucket_name", None)
    return f"s3://{bucket}" if bucket else str(default_storage.location)
