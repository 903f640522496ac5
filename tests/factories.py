import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import Account, AccountAccess, Building, Community, Premises, User
from accounts.validators import make_virtual_nrb

PASSWORD = "Sekretne-Haslo-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"resident{n}")
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Kowalski{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.pl")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: a transactional test's flush removes the migrations' groups
            self.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in extracted])
        if create:
            self.save()


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class StaffFactory(UserFactory):
    """Staff log in with a second factor (required for the staff panel): by default with an
    authenticator app on TOTP_SECRET; `totp=False` for one who has not set it up yet."""

    username = factory.Sequence(lambda n: f"clerk{n}")
    is_staff = True

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from allauth.mfa.totp.internal.auth import TOTP

            TOTP.activate(self, TOTP_SECRET)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Wspólnota Mieszkaniowa Nr {n}")
    street = factory.Sequence(lambda n: f"ul. Wspólna {n}")
    postal_code = "43-400"
    city = "Cieszyn"
    nip = "5252248481"
    bank_account = "75105000997603000000012345"
    virtual_prefix = factory.Sequence(lambda n: f"10201026{n + 100000:06d}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    street = factory.Sequence(lambda n: f"ul. Głęboka {n}")
    postal_code = "43-400"
    city = "Cieszyn"
    community = None


class PremisesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premises

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    kind = Premises.Kind.RESIDENTIAL
    floor_area = Decimal("48.50")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    number = factory.Sequence(lambda n: f"{n + 1000:07d}")
    premises = factory.SubFactory(PremisesFactory)
    kind = Account.Kind.MUNICIPAL_TENANCY
    holder_name = "Jan Kowalski"
    valid_from = datetime.date(2020, 1, 1)
    virtual_nrb = factory.LazyAttribute(lambda a: make_virtual_nrb("10500099760300", a.number))


class AccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountAccess

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(AccountFactory)
    role = AccountAccess.Role.HOLDER
