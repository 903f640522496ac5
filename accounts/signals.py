from allauth.account.signals import password_changed, password_reset, password_set
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Account, AccountAccess, Building, Community, Premises
from .register_cache import register_changed
from .services import password_changed_record


@receiver(password_reset)
def clear_forced_change(sender, request, user, **kwargs):
    # A reset through a verified e-mail sets the resident's own password.
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


@receiver(password_reset, dispatch_uid="accounts_password_reset_notice")
@receiver(password_changed, dispatch_uid="accounts_password_changed_notice")
@receiver(password_set, dispatch_uid="accounts_password_set_notice")
def tell_of_new_password(sender, request, user, **kwargs):
    password_changed_record(user=user, request=request)


def _register_row_changed(sender, **kwargs):
    register_changed()


for _model in (Community, Building, Premises, Account, AccountAccess):
    post_save.connect(_register_row_changed, sender=_model, dispatch_uid=f"register-{_model}")
    post_delete.connect(_register_row_changed, sender=_model, dispatch_uid=f"register-{_model}-d")
