from django.db import migrations

from accounts.roles import ACCOUNTING, BOK, grant


def create_groups(apps, schema_editor):
    register = ["community", "building", "premises", "account", "accountaccess"]
    grant(
        apps,
        BOK,
        "accounts",
        [f"{action}_{model}" for model in register + ["user"] for action in ("add", "change", "view")]
        + ["view_identitycheck", "view_credentialissue", "add_credentialissue"],
    )
    grant(apps, ACCOUNTING, "accounts", [f"view_{model}" for model in register + ["user"]])


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[BOK, ACCOUNTING]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
