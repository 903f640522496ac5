from django.db import migrations

from accounts.roles import ACCOUNTING, BOK, grant

BOK_PERMISSIONS = [
    "add_notice", "change_notice", "view_notice", "delete_notice",
    "add_noticeattachment", "change_noticeattachment", "view_noticeattachment",
    "delete_noticeattachment",
    "view_noticedelivery",
    "view_thread", "change_thread",
    "add_threadmessage", "view_threadmessage",
    "view_messagingpreference",
]
ACCOUNTING_PERMISSIONS = ["view_notice", "view_noticedelivery", "view_thread", "view_threadmessage"]


def grant_permissions(apps, schema_editor):
    grant(apps, BOK, "messaging", BOK_PERMISSIONS)
    grant(apps, ACCOUNTING, "messaging", ACCOUNTING_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_notices_threads")]
    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
