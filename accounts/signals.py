from allauth.account.signals import password_reset
from django.dispatch import receiver


@receiver(password_reset)
def clear_forced_change(sender, request, user, **kwargs):
    # A reset through a verified e-mail sets the resident's own password.
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
