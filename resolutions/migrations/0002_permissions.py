from django.db import migrations

from accounts.roles import BOK, grant


def seed(apps, schema_editor):
    grant(
        apps,
        BOK,
        "resolutions",
        [f"{a}_{m}" for m in ("resolution", "attachment", "ownership", "communityvotingsettings")
         for a in ("view", "add", "change")]
        + ["delete_attachment", "delete_ownership", "delete_resolution",
           "view_sharepremises", "change_sharepremises",
           "view_vote", "add_vote", "view_ballot",
           "view_resultnotice", "change_resultnotice", "view_deliveryconsent"],
    )


class Migration(migrations.Migration):
    dependencies = [("resolutions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
