"""MT940 and mBank CSV text for tests and the benchmark, in the layouts Polish banks use."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).parent / "data"
STATEMENT_ACCOUNT = "PL61109010140000071219812874"


@dataclass
class Transfer:
    amount: Decimal
    title: str = "CZYNSZ"
    payer: str = "JAN KOWALSKI"
    iph: str = ""  # mBank's `ID IPH` (the virtual account's last 12 digits)
    tnr: str = ""  # mBank's transaction number
    reference: str = ""  # the `:61:` bank reference
    subfield_reference: str = ""  # the bank's reference in `:86:` subfield 10 (tilde layout)
    day: date = date(2026, 3, 2)
    credit: bool = True


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _wrap(text, width=65):
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def mt940(transfers, *, layout="mbank", reference="ST260302CYC/1", number="55", opening="0"):
    """A whole MT940 statement: balances that add up, one `:61:`/`:86:` pair per transfer.

    layout "mbank": labelled `:86:` (ID IPH, TNR); "tilde": `~` subfields (PKO BP and others).
    """
    opening = Decimal(opening)
    closing = opening + sum(t.amount if t.credit else -t.amount for t in transfers)
    last = max((t.day for t in transfers), default=date(2026, 3, 1))
    out = [
        f":20:{reference}",
        f":25:{STATEMENT_ACCOUNT}",
        f":28C:{number}/1",
        f":60F:C260301PLN{_amount(opening)}",
    ]
    for t in transfers:
        mark = "C" if t.credit else "D"
        ref = f"//{t.reference}" if t.reference else ""
        out.append(f":61:{t.day:%y%m%d}{t.day:%m%d}{mark}N{_amount(t.amount)}NTRFNONREF{ref}")
        if layout == "mbank":
            iph = f" ID IPH: XX{t.iph};" if t.iph else ""
            tnr = f" TNR: {t.tnr}" if t.tnr else ""
            out.append(
                _wrap(
                    f":86:911 TRANSAKCJA COLLECT;{iph} Z RACH.: 45102035410000540201234567; "
                    f"OD: {t.payer}; TYT.: {t.title};{tnr}"
                )
            )
        else:
            title = "".join(
                f"~{20 + i}{t.title[j : j + 27]}" for i, j in enumerate(range(0, len(t.title), 27))
            )
            ref86 = f"~10{t.subfield_reference}" if t.subfield_reference else ""
            out.append(
                _wrap(
                    f":86:034~00PRZELEW{ref86}{title}~32{t.payer}"
                    "~38PL45102035410000540201234567"
                )
            )
    out += [f":62F:{'C' if closing >= 0 else 'D'}{last:%y%m%d}PLN{_amount(abs(closing))}", "-"]
    return "\r\n".join(out) + "\r\n"


def mbank_csv(rows, *, opening="1000,00", account="07 1140 2004 0000 3202 7603 4397"):
    """mBank's CSV export: rows are (date, kind, title, payer, payer's account, amount text,
    balance text)."""
    head = [
        "mBank S.A. Bankowość Detaliczna;",
        "#Za okres:;",
        "01.03.2026;31.03.2026;",
        "#Numer rachunku;",
        f"{account};",
        "#Saldo początkowe;",
        f"{opening} PLN;",
        "",
        "#Data operacji;#Data księgowania;#Opis operacji;#Tytuł;#Nadawca/Odbiorca;"
        "#Numer konta;#Kwota;#Saldo po operacji;",
    ]
    body = [
        f'{day};{day};{kind};"{title}";"{payer}";\'{acct}\';{amount};{balance};'
        for day, kind, title, payer, acct, amount, balance in rows
    ]
    closing = rows[-1][6] if rows else opening
    return "\r\n".join(head + body + ["", f"#Saldo końcowe;{closing} PLN;"]) + "\r\n"


def many_accounts(count):
    """`count` municipal accounts 1000000, 1000001, … on one premises, with virtual accounts
    under one payee prefix, in one insert: for imports of many thousand lines."""
    from accounts.models import Account
    from accounts.validators import make_virtual_nrb
    from tests.factories import AccountFactory

    template = AccountFactory(number="9000000")
    Account.objects.bulk_create(
        Account(
            number=str(1_000_000 + i),
            premises=template.premises,
            kind=template.kind,
            holder_name=f"Najemca {i}",
            valid_from=template.valid_from,
            virtual_nrb=make_virtual_nrb("10500099760300", str(1_000_000 + i)),
        )
        for i in range(count)
    )
