"""Staff groups. Feature apps grant their own permissions from their data migrations."""

from django.contrib.auth.management import create_permissions

BOK = "BOK"
ACCOUNTING = "Księgowość"


def grant(apps, group_name, app_label, codenames):
    """Give a group permissions of one app; safe to run twice. Use from a data migration."""
    # Permissions are normally made after all migrations; make this app's now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    missing = set(codenames) - set(perms.values_list("codename", flat=True))
    if missing:
        raise LookupError(f"unknown permissions in {app_label}: {sorted(missing)}")
    group.permissions.add(*perms)
