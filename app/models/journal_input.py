"""The treasurer's forms over the journal of :mod:`app.models.books`: which accounts each
form offers, a general entry typed line by line in a grid (its running sums, then the
entry), and cash taken from the treasurer's box to the bank.

Accounts whose balance another ledger keeps — the drawer, bon, stock, suppliers, producers,
savings, pre-order deposits, and the income and costs the till and the stock post
themselves — are not offered and not accepted here: an amount typed on one of them would
be counted twice and ``gerai check`` would find the books no longer equal to that ledger.

The grid's sums are made here, from the typed text, with the parsing the entry itself uses,
so the screen shows exactly what saving would record and does no arithmetic of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.i18n import _
from app.models import books, ledger
from app.models.books import Account, JournalEntry
from app.models.clock import day_text, parse_day
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import MAX_RUPIAH, format_rupiah, parse_rupiah
from app.models.settings import shop_today
from app.models.users import User, require

#: Posted from the shop's own documents (sales, stock, shift closes, rounding).
SYSTEM_POSTED = frozenset({
    books.SALES, books.SALES_RETURNS, books.CASH_OVER, books.COGS, books.STOCK_LOSS,
    books.CASH_SHORT, books.CONSIGNMENT_LOSS, books.ROUNDING})
#: Balances kept by another ledger, which ``gerai check`` compares with the books.
KEPT_ELSEWHERE = frozenset({
    books.CASH_DRAWER, books.RECEIVABLE, books.INVENTORY, books.PAYABLE, books.CONSIGNOR,
    books.SUKARELA, books.DEPOSITS, books.POKOK, books.WAJIB})
#: What a general entry (the grid) may be.
GENERAL_KINDS = ("opening", "adjustment")
#: Each line of the grid may hold this much on one side.
MAX_LINE = MAX_RUPIAH


def expense_accounts(db: Database) -> list[Account]:
    """The expenses a treasurer pays (electricity, wages, rent, …): every active expense
    account but those the system posts itself (cost of goods sold, stock losses, cash
    short, producers' shortfalls, rounding)."""
    return [a for a in books.accounts(db, kind="expense", active_only=True)
            if a.code not in SYSTEM_POSTED]


def income_accounts(db: Database) -> list[Account]:
    """Other income (a grant, rent of the freezer): active income accounts but the sales,
    their returns and the drawer's cash over, which the till posts."""
    return [a for a in books.accounts(db, kind="income", active_only=True)
            if a.code not in SYSTEM_POSTED]


def general_accounts(db: Database) -> list[Account]:
    """Accounts a general entry may touch: the treasurer's cash, the bank, equipment, other
    debts, capital and reserve, and the income and expense accounts above."""
    return [a for a in books.accounts(db, active_only=True)
            if a.code not in SYSTEM_POSTED and a.code not in KEPT_ELSEWHERE]


# --- a general entry typed in a grid -----------------------------------------------------

@dataclass(frozen=True)
class DraftRow:
    """One line of the grid as typed: account code, debit, credit (any may be empty)."""

    account: str = ""
    debit: str = ""
    credit: str = ""

    @property
    def empty(self) -> bool:
        return not any((self.account or "").strip() or (v or "").strip()
                       for v in (self.debit, self.credit))


@dataclass(frozen=True)
class DraftTotals:
    """The grid's sums so far, and what is wrong with its lines (each with its row)."""

    debit: int
    credit: int
    problems: tuple[Problem, ...]

    @property
    def difference(self) -> int:
        """Debit less credit: what is missing on the credit side (negative: on the debit)."""
        return self.debit - self.credit

    @property
    def balanced(self) -> bool:
        return not self.problems and self.debit > 0 and self.debit == self.credit


def _side(text: str, what: str, row: int, problems: list[Problem]) -> int:
    if not (text or "").strip():
        return 0
    try:
        return parse_rupiah(text, field="lines", what=what, maximum=MAX_LINE)
    except UserError as e:
        problems.append(Problem("lines", _("Baris {row}: {message}").format(
            row=row, message=e.message), row))
        return 0


def _read(rows: Sequence[DraftRow], known: dict[str, Account] | None
          ) -> tuple[list[tuple[str, int]], list[Problem], int, int]:
    lines: list[tuple[str, int]] = []
    problems: list[Problem] = []
    debit = credit = 0
    for row, typed in enumerate(rows, start=1):
        if typed.empty:
            continue
        d = _side(typed.debit, _("Debit"), row, problems)
        c = _side(typed.credit, _("Kredit"), row, problems)
        debit, credit = debit + d, credit + c
        code = (typed.account or "").strip()
        if d and c:
            problems.append(Problem("lines", _("Baris {row}: isi debit atau kredit, tidak"
                                               " keduanya.").format(row=row), row))
        if not code:
            problems.append(Problem("lines", _("Baris {row}: akun belum diisi.").format(
                row=row), row))
        elif known is not None and code not in known:
            problems.append(Problem("lines", _("Baris {row}: akun {code} tidak dapat dipakai"
                                               " di jurnal umum.").format(row=row, code=code),
                                    row))
        if code and (d or c):
            lines.append((code, d - c))
    return lines, problems, debit, credit


def draft_totals(rows: Sequence[DraftRow]) -> DraftTotals:
    """The sums of what is typed so far (amounts that do not read are left out and said)."""
    _lines, problems, debit, credit = _read(rows, None)
    return DraftTotals(debit, credit, tuple(problems))


def record_general_entry(db: Database, *, user: User, day, kind: str, memo: str,
                         rows: Sequence[DraftRow], reference: str = "") -> JournalEntry:
    """An opening balance or an adjustment typed in the grid: every problem of its lines is
    reported together; an unbalanced entry is refused by the journal with its difference."""
    require(user, "journal.edit")
    if kind not in GENERAL_KINDS:
        raise UserError(_("Jenis jurnal tidak dikenal."), "kind")
    known = {a.code: a for a in general_accounts(db)}
    lines, problems, _debit, _credit = _read(rows, known)
    if problems:
        raise ValidationError(problems)
    return books.record_entry(db, user=user, day=day, kind=kind, memo=memo, lines=lines,
                              reference=reference)


# --- cash to the bank --------------------------------------------------------------------

def office_cash(db: Database, day) -> int:
    """The treasurer's cash (1102) in the books at the end of ``day``."""
    return ledger.totals(db, None, day).get(books.CASH_OFFICE, 0)


def deposit_to_bank(db: Database, *, user: User, day, amount, reference: str,
                    memo: str = "") -> JournalEntry:
    """The treasurer takes cash from the office to the bank (kind ``transfer``): the slip's
    number is needed to find it on the bank statement, and no more can go than the books
    say the treasurer holds at the end of that day."""
    require(user, "journal.edit")
    value = parse_rupiah(amount, field="amount", what=_("Jumlah setoran"), allow_zero=False,
                         maximum=MAX_RUPIAH)
    if not " ".join((reference or "").split()):
        raise UserError(_("Setoran ke bank perlu nomor slip setoran atau referensi"
                          " mutasi."), "reference")
    when = parse_day(day, field="day", what=_("Tanggal")) or shop_today(db)
    if when > shop_today(db):
        raise UserError(_("Tanggal {day} belum terjadi.").format(day=day_text(when)), "day")
    memo = " ".join((memo or "").split()) or _("Setor kas ke bank")
    with db.atomic():
        held = office_cash(db, when)
        if value > held:
            raise UserError(_("Kas bendahara pada {day} hanya {cash}; setoran {amount} terlalu"
                              " besar.").format(day=day_text(when), cash=format_rupiah(held),
                                                amount=format_rupiah(value)), "amount")
        return books.record_entry(db, user=user, day=when, kind="transfer", memo=memo,
                                  reference=reference,
                                  lines=[(books.BANK, value), (books.CASH_OFFICE, -value)])
