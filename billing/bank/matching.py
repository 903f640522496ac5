"""Which account a bank transfer is for: by the virtual account it was paid to, else by an
account number written in its title. Everything is looked up in memory, loaded once per
import, so matching a line costs no query.

Titles are typed by people: `ID 0012345`, `nr konta 12 345`, `ID:O012345` (letter O for
zero), `12345.`. A number counts only as a whole token (not part of a longer number, an
amount, a date or a word), only when it names an existing account, and only when it is
significant: introduced by a word like ID/NR/KONTO, or at least 5 digits long as written.
Years (1990–2099) never count alone. Two different accounts in one title match nothing: the
clerk decides.

Only accounts of the creditor whose bank account received the transfer are candidates
(creditors.py): a community's money never pays a municipal account, nor the other way round.
"""

import re
from collections import defaultdict

from accounts.models import Account
from billing.bank.models import StatementLine

KEYWORD = r"(?:ID|NR|NUMER|KONTO|KONTA|KARTOTEKA|KARTOTEKI|LOKAL|LOKALU|IDENTYFIKATOR|KLIENT)"
ANY = object()
MIN_DIGITS_WITHOUT_KEYWORD = 5
MIN_IDENTIFIER_DIGITS = 6  # a shorter `ID IPH` cannot tell accounts apart
# Letters people type for digits, inside a token that is otherwise digits.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})

_NRB = re.compile(r"(?<![0-9])(?:PL)?\s?([0-9](?:[ -]?[0-9]){25})(?![0-9])")
# A token of digits (and look-alike letters) not glued to letters or to other numbers;
# groups joined by single spaces or dashes (`12 345`, `0012-345`).
_TOKEN = re.compile(
    r"(?<![\w])(?<![0-9][.,/])"  # not in a word, not after `1.`, `1,` or `03/`
    r"(?P<keyword>" + KEYWORD + r"\s?[:.#]?\s?)?"
    r"(?P<number>[0-9OIL]*[0-9][0-9OIL]*(?:[ -][0-9]+)*)"
    r"(?![\w])(?![.,/][0-9])"  # not followed by letters, decimals or a date's rest
)
_YEAR = re.compile(r"^(19[9][0-9]|20[0-9][0-9])$")


class AccountLookup:
    def __init__(self, rows):
        """rows: (pk, number, virtual_nrb, community id or None) of every account."""
        self.by_nrb = {}
        self.by_number = defaultdict(set)
        self.community = {}
        self._suffixes = {}
        self._allowed = ANY  # or the creditor's community id (None: the municipality)
        for pk, number, nrb, community_id in rows:
            self.by_nrb[nrb] = pk
            self.by_number[int(number)].add(pk)
            self.community[pk] = community_id

    @classmethod
    def load(cls):
        return cls(
            Account.objects.values_list(
                "pk", "number", "virtual_nrb", "premises__building__community_id"
            ).iterator(2000)
        )

    def for_creditor(self, creditor) -> "AccountLookup":
        """This lookup restricted to the accounts of `creditor` (a creditors.Creditor)."""
        restricted = object.__new__(AccountLookup)
        restricted.__dict__.update(self.__dict__)
        restricted._allowed = creditor.community_id
        return restricted

    def _may(self, pk) -> bool:
        return self._allowed is ANY or self.community.get(pk) == self._allowed

    def match(self, line):
        """(account pk, StatementLine.MatchedBy) or (None, NONE) for a parsed line. A virtual
        account that is another creditor's matches nothing: the clerk looks at it."""
        pk = self._virtual_pk(line.virtual_account)
        if pk:
            if not self._may(pk):
                return None, StatementLine.MatchedBy.NONE
            return pk, StatementLine.MatchedBy.VIRTUAL_ACCOUNT
        pk = self.by_title(line.title)
        if pk:
            return pk, StatementLine.MatchedBy.TITLE
        return None, StatementLine.MatchedBy.NONE

    def by_virtual_account(self, value: str):
        pk = self._virtual_pk(value)
        return pk if pk and self._may(pk) else None

    def _virtual_pk(self, value: str):
        digits = re.sub(r"[^0-9]", "", value or "")
        if len(digits) == 26:
            return self.by_nrb.get(digits)
        if len(digits) < MIN_IDENTIFIER_DIGITS:
            return None
        # a bank that reports only the payer's identifier: the virtual account's last digits
        index = self._suffixes.get(len(digits))
        if index is None:
            index = defaultdict(set)
            for nrb, pk in self.by_nrb.items():
                index[nrb[-len(digits) :]].add(pk)
            self._suffixes[len(digits)] = index
        found = index.get(digits, set())
        own = {pk for pk in found if self._may(pk)}
        if len(own) == 1:
            return next(iter(own))
        return next(iter(found)) if len(found) == 1 else None  # another creditor's: held

    def by_title(self, title: str):
        found = self.candidates(title)
        return next(iter(found)) if len(found) == 1 else None

    def candidates(self, title: str) -> set:
        text = (title or "").upper().replace("\u00a0", " ")
        found = set()
        for match in _NRB.finditer(text):
            pk = self.by_nrb.get(re.sub(r"[^0-9]", "", match.group(1)))
            if pk and self._may(pk):
                found.add(pk)
        text = _NRB.sub(" ", text)
        for match in _TOKEN.finditer(text):
            found |= self._number_candidates(match.group("number"), bool(match.group("keyword")))
        return found

    def _number_candidates(self, written: str, has_keyword: bool) -> set:
        written = written.translate(LOOKALIKES)
        groups = re.split(r"[ -]", written)
        joined = "".join(groups)
        # `12 345` is one number if it names an account; else each group on its own
        for digits in [joined] + (groups if len(groups) > 1 else []):
            if not digits.isdigit() or len(digits) > 10 or int(digits) == 0:
                continue
            if _YEAR.match(digits) and not has_keyword:
                continue
            if not has_keyword and len(digits) < MIN_DIGITS_WITHOUT_KEYWORD:
                continue
            pks = {pk for pk in self.by_number.get(int(digits), ()) if self._may(pk)}
            if pks and len(pks) == 1:
                return set(pks)
        return set()
