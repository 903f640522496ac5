"""Polish in the staff panel: every registered model's name in the case each phrase needs and
counts in the right plural form, on the pages a clerk uses (list, add, change, delete)."""

import io
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path, label_for_field
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts.models import User
from core.admin_grammar import count_phrase, declared_forms, forms_by_app, forms_of
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
# What Django's Polish gives when it takes a nominative name, or agrees with no gender.
WRONG = [
    "Dodaj użytkownik ",
    "Wybierz wpłata",
    "Zmień uchwała",
    "kolejne(go)",
    "(-ną)",
    "(-ne)",
    "(-nych)",
    "(a)(-ło)",
    "został(a)",
    "Wprowadż",
]


@pytest.fixture
def superuser_client(client):
    boss = StaffFactory(username="szef", is_superuser=True)  # with TOTP, as staff must
    client.force_login(boss)
    return client


def title(page):
    return re.search(r"<title>(.*?) \|", page, re.S).group(1).strip()


# Models of Django and allauth: accounts, which brings in the logins, declares their forms.
DECLARED_BY = dict.fromkeys(["auth", "account", "usersessions", "mfa"], "accounts")


def _in_admin():
    """Every model with a page or an inline in the admin."""
    models = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        models |= {inline.model for inline in model_admin.inlines}
    return models


def test_every_registered_model_has_its_polish_forms():
    assert {m._meta.label_lower for m in _in_admin()} <= set(declared_forms())


def test_each_app_declares_the_forms_of_its_own_models():
    """In its admin_grammar.py: core names no app, and no app names another's models (nor one
    the admin no longer shows)."""
    declared = forms_by_app()
    assert set(declared_forms()) == {m._meta.label_lower for m in _in_admin()}
    for model in _in_admin():
        app = DECLARED_BY.get(model._meta.app_label, model._meta.app_label)
        assert model._meta.label_lower in declared.get(app, {}), (app, model)
    for app, forms in declared.items():
        for label in forms:
            model_app = label.split(".")[0]
            assert DECLARED_BY.get(model_app, model_app) == app, (app, label)
    core = "".join(path.read_text() for path in (settings.BASE_DIR / "core").glob("*.py"))
    assert [label for label in declared_forms() if f'"{label}"' in core] == []


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 użytkowników"),
        (1, "1 użytkownik"),
        (2, "2 użytkownicy"),
        (4, "4 użytkownicy"),
        (5, "5 użytkowników"),
        (12, "12 użytkowników"),  # 12–14 take the genitive, unlike 2–4
        (22, "22 użytkownicy"),
        (25, "25 użytkowników"),
    ],
)
def test_counts_take_the_polish_plural_forms(count, expected):
    with translation.override("pl"):
        assert count_phrase(User._meta, count) == expected


def test_list_add_and_change_titles_put_the_name_in_the_accusative(superuser_client):
    page = superuser_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert title(page) == "Dodaj użytkownika"
    page = superuser_client.get(reverse("admin:accounts_building_changelist")).content.decode()
    assert title(page) == "Wybierz budynek do zmiany"
    assert "Dodaj budynek" in page
    # payments are never edited, only corrected: the list is to view
    page = superuser_client.get(reverse("admin:billing_payment_changelist")).content.decode()
    assert title(page) == "Wybierz wpłatę do obejrzenia"
    page = superuser_client.get(reverse("admin:billing_statementimport_changelist")).content
    assert "0 importów wyciągów bankowych" in page.decode()


def test_seven_users_are_counted_in_the_genitive_plural(superuser_client):
    for i in range(6):
        StaffFactory(username=f"pracownik{i}")
    page = superuser_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "7 użytkowników" in page  # the superuser and six clerks
    assert User.objects.count() == 7


def test_messages_after_saving_fit_every_gender(superuser_client):
    response = superuser_client.post(
        reverse("admin:auth_group_add"), {"name": "Kasa"}, follow=True
    )
    page = re.sub(r"<[^>]+>", "", response.content.decode())
    assert "Dodano: grupa „Kasa”." in page
    assert "został" not in page


def test_no_page_of_any_model_reads_wrong(superuser_client):
    """The list and add page of every registered model, and the change and delete pages of the
    user: none of the phrases Django's nominative or gender-less Polish would produce."""
    clerk = StaffFactory(username="urzednik")
    checked = 0
    for model in admin.site._registry:
        opts = model._meta
        for view, args in (("changelist", []), ("add", [])):
            try:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
            except NoReverseMatch:
                continue
            response = superuser_client.get(url)
            if response.status_code != 200:
                continue
            page = response.content.decode()
            checked += 1
            for wrong in WRONG:
                assert wrong not in page, (url, wrong)
            with translation.override("pl"):
                accusative = str(forms_of(opts).accusative)
            if view == "add" and title(page).startswith("Dodaj "):  # custom forms name themselves
                assert title(page) == f"Dodaj {accusative}", url
    assert checked >= 60
    for view in ("change", "delete"):
        page = superuser_client.get(
            reverse(f"admin:accounts_user_{view}", args=[clerk.pk])
        ).content.decode()
        for wrong in WRONG:
            assert wrong not in page, (view, wrong)
    assert title(page) == "Czy na pewno?" or "Czy na pewno usunąć użytkownika" in page



def test_seed_demo_counts_in_polish_plural_forms():
    out = io.StringIO()
    with translation.override("pl"):
        call_command("seed_demo", stdout=out)
    # The demo: 2 communities, 6 buildings, 21 premises, 21 accounts, 7 logins. Polish takes
    # the nominative plural after 2–4 and the genitive plural after 5–21.
    assert (
        "Dane demonstracyjne gotowe: 2 wspólnoty mieszkaniowe, 6 budynków, 21 lokali, "
        "21 kont klientów, 7 użytkowników."
    ) in out.getvalue()


# Names that read the same in both languages.
SAME_IN_BOTH = {"id", "nip", "pdf", "e-mail", "login", "format", "ksef", "#", "vat (zł)"}


def _shown_names(model_admin, request):
    """(what, name) of the model, its app and every column, field and filter its admin shows."""
    model = model_admin.model
    obj = model._default_manager.first()
    names = [
        ("app", model._meta.app_config.verbose_name),
        ("model", model._meta.verbose_name),
        ("plural", model._meta.verbose_name_plural),
    ]
    shown = set(model_admin.get_list_display(request))
    shown |= set(flatten_fieldsets(model_admin.get_fieldsets(request, obj)))
    for name in sorted(n for n in shown if isinstance(n, str) and n != "__str__"):
        names.append((name, label_for_field(name, model, model_admin)))
    for entry in model_admin.get_list_filter(request):
        name = entry if isinstance(entry, str) else entry[0] if isinstance(entry, tuple) else None
        if name:
            names.append((f"filter {name}", get_fields_from_path(model, name)[-1].verbose_name))
    return names


def test_the_panel_names_every_model_column_and_filter_in_polish(rf):
    """What Django, allauth or a model left in English ("Authenticators", "created at", the
    votes' "resolution" column) is Polish on every page a clerk opens."""
    request = rf.get("/admin/")
    request.user = StaffFactory(username="szef", is_superuser=True)
    english = []
    with translation.override("pl"):
        for model_admin in admin.site._registry.values():
            for what, name in _shown_names(model_admin, request):
                with translation.override("en"):
                    source = str(name)
                if str(name) == source and source.lower() not in SAME_IN_BOTH:
                    english.append((model_admin.model._meta.label, what, source))
    assert english == []


def test_allauth_s_authenticators_read_in_polish(superuser_client):
    page = superuser_client.get(reverse("admin:mfa_authenticator_changelist")).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Sposoby logowania dwuetapowego" in text
    assert "Według pola data ustawienia" in text or "data ustawienia" in text
    for english in ("Authenticators", "User sessions", "created at", "last used at"):
        assert english not in text, english


def test_permissions_are_listed_in_polish(superuser_client):
    group = reverse("admin:auth_group_add")
    page = superuser_client.get(group).content.decode()
    assert "Uchwały i głosowania | uchwały: dodawanie</option>" in page
    assert "Ewidencja i loginy | użytkownicy: przeglądanie</option>" in page
    assert "Can add" not in page
    assert "Can view" not in page
    # a permission of a model's own Meta keeps its translated name
    assert "Może czytać wątki mieszkańców na każdy temat</option>" in page
