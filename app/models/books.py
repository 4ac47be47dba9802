"""The cooperative's books: a small chart of accounts and the treasurer's own journal
(expenses, other income, opening balances, cash taken to the bank).

Everything else in the books — sales, purchases, stock, savings, bon, producers — is not
typed twice: :mod:`app.models.ledger` reads it from the documents the shop already keeps,
so the books can never disagree with the till or the stock. Only money that no document
records (the electricity bill, wages, the opening capital) is entered here. An entry is
never edited: a mistake is undone by a reversing entry, both in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.i18n import _
from app.models import audit
from app.models.clock import day_text, now_iso, parse_day
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import document_number, new_id
from app.models.money import MAX_RUPIAH, format_rupiah, parse_rupiah
from app.models.settings import shop_today
from app.models.users import User, require

KINDS = ("asset", "liability", "equity", "income", "expense")
ENTRY_KINDS = ("expense", "income", "opening", "transfer", "adjustment")
CASH_DRAWER, CASH_OFFICE, BANK = "1101", "1102", "1110"
RECEIVABLE, INVENTORY, EQUIPMENT = "1120", "1130", "1210"
PAYABLE, CONSIGNOR, SUKARELA, DEPOSITS = "2101", "2102", "2103", "2104"
POKOK, WAJIB, CAPITAL, RESERVE = "3101", "3102", "3201", "3301"
SALES, SALES_RETURNS, OTHER_INCOME, CASH_OVER = "4101", "4102", "4201", "4202"
COGS, STOCK_LOSS, CASH_SHORT, CONSIGNMENT_LOSS, OTHER_EXPENSE, ROUNDING = (
    "5101", "6106", "6107", "6108", "6109", "6110")
CASH = (CASH_DRAWER, CASH_OFFICE)
#: Accounts whose balance is another ledger's (the drawer, bon, stock, suppliers, producers,
#: savings, pre-order deposits): a hand entry on them would set the books apart from it.
KEPT_ELSEWHERE = (CASH_DRAWER, RECEIVABLE, INVENTORY, PAYABLE, CONSIGNOR, SUKARELA, DEPOSITS,
                  POKOK, WAJIB)
#: How money is paid out of or into the office: cash from the treasurer's box, or the bank.
PAY_ACCOUNTS = {"cash": CASH_OFFICE, "transfer": BANK}


def kind_label(kind: str) -> str:
    return {"asset": _("Aset"), "liability": _("Kewajiban"), "equity": _("Ekuitas"),
            "income": _("Pendapatan"), "expense": _("Beban")}.get(kind, kind)


def _system_names() -> dict[str, str]:
    return {
        "1101": _("Kas di laci kasir"), "1102": _("Kas bendahara"),
        "1110": _("Bank (termasuk QRIS)"), "1120": _("Piutang anggota (bon)"),
        "1130": _("Persediaan barang dagang"), "1210": _("Peralatan dan inventaris"),
        "2101": _("Utang usaha (pemasok)"), "2102": _("Utang kepada penitip (konsinyasi)"),
        "2103": _("Simpanan sukarela anggota"), "2104": _("Uang muka pesanan anggota"),
        "2190": _("Utang lain-lain"), "3101": _("Simpanan pokok"), "3102": _("Simpanan wajib"),
        "3201": _("Modal awal dan hibah"), "3301": _("Cadangan"), "4101": _("Penjualan"),
        "4102": _("Retur dan pembatalan penjualan"), "4201": _("Pendapatan lain-lain"),
        "4202": _("Selisih kas lebih"), "5101": _("Harga pokok penjualan"),
        "6101": _("Beban listrik dan air"), "6102": _("Beban gaji dan honor"),
        "6103": _("Beban sewa tempat"), "6104": _("Beban transportasi"),
        "6105": _("Beban perlengkapan dan ATK"),
        "6106": _("Beban susut, rusak dan hilang persediaan"),
        "6107": _("Selisih kas kurang"), "6108": _("Beban kekurangan barang titipan"),
        "6109": _("Beban lain-lain"), "6110": _("Selisih pembulatan"),
    }


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    kind: str
    system: bool
    active: bool

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def debit_normal(self) -> bool:
        """Assets and expenses grow by debits; the rest by credits."""
        return self.kind in ("asset", "expense")


def accounts(db: Database, *, kind: str | None = None, active_only: bool = False
             ) -> list[Account]:
    names = _system_names()
    rows = db.query("SELECT code, name, kind, system, active FROM accounts"
                    + (" WHERE kind = ?" if kind else "") + " ORDER BY code",
                    (kind,) if kind else ())
    found = [Account(r["code"], names.get(r["code"], r["name"]) if r["system"] else r["name"],
                     r["kind"], bool(r["system"]), bool(r["active"])) for r in rows]
    return [a for a in found if a.active or not active_only]


def get_account(db: Database, code: str) -> Account:
    for account in accounts(db):
        if account.code == code:
            return account
    raise NotFound(_("Akun {code} tidak ada.").format(code=code))


def add_account(db: Database, *, user: User, code: str, name: str, kind: str) -> Account:
    """A new income or expense account (e.g. 6111 Beban kebersihan): four digits, 4xxx for
    income and 6xxx for expenses, so the statements put it in its place."""
    require(user, "journal.edit")
    code, name = (code or "").strip(), " ".join((name or "").split())
    if kind not in ("income", "expense"):
        raise UserError(_("Akun baru hanya untuk pendapatan atau beban."), "kind")
    prefix = "4" if kind == "income" else "6"
    if not (len(code) == 4 and code.isdigit() and code.startswith(prefix)):
        raise UserError(_("Kode akun {kind} harus 4 angka diawali {prefix}.").format(
            kind=kind_label(kind).lower(), prefix=prefix), "code")
    if not name or len(name) > 60:
        raise UserError(_("Nama akun harus diisi (paling banyak 60 huruf)."), "name")
    with db.atomic():
        if db.scalar("SELECT 1 FROM accounts WHERE code = ?", (code,)):
            raise UserError(_("Kode akun {code} sudah dipakai.").format(code=code), "code")
        db.execute("INSERT INTO accounts(code, name, kind) VALUES (?, ?, ?)", (code, name, kind))
        audit.record(db, user_id=user.id, action="account.create", entity="account",
                     entity_id=code, detail={"name": name, "kind": kind})
    return get_account(db, code)


# -- the treasurer's journal --------------------------------------------------------------

@dataclass(frozen=True)
class JournalEntry:
    id: str
    number: str
    kind: str
    entry_date: str
    memo: str
    reference: str
    reverses: str | None
    user_id: str
    created_at: str
    lines: tuple[tuple[str, int], ...]   # (account, amount): debit +, credit −

    @property
    def amount(self) -> int:
        return sum(a for _c, a in self.lines if a > 0)


def entry_kind_label(kind: str) -> str:
    return {"expense": _("Biaya"), "income": _("Pendapatan lain"), "opening": _("Saldo awal"),
            "transfer": _("Pindah kas/bank"), "adjustment": _("Penyesuaian")}.get(kind, kind)


def _check_day(db: Database, day) -> date:
    value = parse_day(day, field="day", what=_("Tanggal"))
    if value is None:
        return shop_today(db)
    if value > shop_today(db):
        raise UserError(_("Tanggal {day} belum terjadi.").format(day=day_text(value)), "day")
    return value


def record_entry(db: Database, *, user: User, day, kind: str, memo: str,
                 lines: list[tuple[str, object]], reference: str = "",
                 reverses: str | None = None) -> JournalEntry:
    """A journal entry whose lines (account, amount; debit +, credit −) sum to zero."""
    require(user, "journal.edit")
    if kind not in ENTRY_KINDS:
        raise UserError(_("Jenis jurnal tidak dikenal."), "kind")
    memo = " ".join((memo or "").split())
    if not memo or len(memo) > 200:
        raise UserError(_("Keterangan harus diisi (paling banyak 200 huruf)."), "memo")
    reference = " ".join((reference or "").split())[:60]
    day = _check_day(db, day)
    known = {a.code: a for a in accounts(db)}
    checked: list[tuple[str, int]] = []
    for code, value in lines:
        if code not in known:
            raise UserError(_("Akun {code} tidak ada.").format(code=code), "account")
        if code in KEPT_ELSEWHERE:
            raise UserError(_("Akun {code} {name} diisi oleh transaksinya sendiri (kasir, stok,"
                              " pemasok, penitip, simpanan), bukan lewat jurnal.").format(
                                  code=code, name=known[code].name), "account")
        if not known[code].active and reverses is None:
            raise UserError(_("Akun {code} tidak aktif.").format(code=code), "account")
        value = parse_rupiah(value, field="amount", what=_("Jumlah"), allow_negative=True,
                             maximum=MAX_RUPIAH)
        if value:
            checked.append((code, value))
    if len(checked) < 2:
        raise UserError(_("Jurnal perlu paling sedikit dua baris bernilai."), "lines")
    if sum(v for _c, v in checked) != 0:
        raise UserError(_("Debit dan kredit tidak seimbang: selisih {diff}.").format(
            diff=format_rupiah(sum(v for _c, v in checked))), "lines")
    with db.atomic():
        at = now_iso()
        entry_id = new_id()
        number = document_number(db, "journal", "JU", at)
        db.execute("INSERT INTO journal_entries(id, number, kind, entry_date, memo, reference,"
                   " reverses, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (entry_id, number, kind, day.isoformat(), memo, reference, reverses,
                    user.id, at))
        db.executemany("INSERT INTO journal_lines(entry_id, line_no, account, amount)"
                       " VALUES (?, ?, ?, ?)",
                       [(entry_id, i, code, value) for i, (code, value) in enumerate(checked, 1)])
        audit.record(db, user_id=user.id, action="journal.create", entity="journal",
                     entity_id=entry_id, detail={"number": number, "kind": kind,
                                                 "lines": checked, "memo": memo})
        return get_entry(db, entry_id)


def record_expense(db: Database, *, user: User, day, account: str, amount, method: str,
                   memo: str, reference: str = "") -> JournalEntry:
    """An expense paid from the treasurer's cash or the bank (a transfer needs the slip's
    reference)."""
    return _one_sided(db, user=user, day=day, account=account, amount=amount, method=method,
                      memo=memo, reference=reference, kind="expense")


def record_income(db: Database, *, user: User, day, account: str, amount, method: str,
                  memo: str, reference: str = "") -> JournalEntry:
    """Other income (a grant, rent of the shop's freezer) into cash or the bank."""
    return _one_sided(db, user=user, day=day, account=account, amount=amount, method=method,
                      memo=memo, reference=reference, kind="income")


def _one_sided(db, *, user, day, account, amount, method, memo, reference, kind):
    if method not in PAY_ACCOUNTS:
        raise UserError(_("Cara bayar tidak dikenal."), "method")
    if method == "transfer" and not (reference or "").strip():
        raise UserError(_("Transfer perlu nomor referensi dari slip atau mutasi bank."),
                        "reference")
    wanted = "expense" if kind == "expense" else "income"
    try:
        found = get_account(db, account)
    except NotFound:
        raise UserError(_("Akun {code} tidak ada.").format(code=account), "account") from None
    if found.kind != wanted:
        raise UserError(_("Akun {code} bukan akun {kind}.").format(
            code=account, kind=kind_label(wanted).lower()), "account")
    value = parse_rupiah(amount, field="amount", what=_("Jumlah"), maximum=MAX_RUPIAH,
                         allow_zero=False)
    sign = 1 if kind == "expense" else -1
    return record_entry(db, user=user, day=day, kind=kind, memo=memo, reference=reference,
                        lines=[(account, sign * value), (PAY_ACCOUNTS[method], -sign * value)])


def reverse_entry(db: Database, *, user: User, entry_id: str, reason: str) -> JournalEntry:
    """Undo an entry with its mirror image, dated today; an entry is reversed once."""
    original = get_entry(db, entry_id)
    if original.reverses:
        raise UserError(_("Jurnal pembalik tidak dapat dibalik lagi."))
    if db.scalar("SELECT 1 FROM journal_entries WHERE reverses = ?", (entry_id,)):
        raise UserError(_("Jurnal {number} sudah dibalik.").format(number=original.number))
    reason = " ".join((reason or "").split())
    if not reason:
        raise UserError(_("Alasan pembalikan harus diisi."), "reason")
    return record_entry(db, user=user, day=None, kind=original.kind,
                        memo=_("Pembalik {number}: {reason}").format(
                            number=original.number, reason=reason)[:200],
                        lines=[(c, -a) for c, a in original.lines], reverses=entry_id)


def get_entry(db: Database, entry_id: str) -> JournalEntry:
    row = db.one("SELECT * FROM journal_entries WHERE id = ?", (entry_id,))
    if row is None:
        raise NotFound(_("Jurnal tidak ditemukan."))
    lines = tuple((r[0], r[1]) for r in db.query(
        "SELECT account, amount FROM journal_lines WHERE entry_id = ? ORDER BY line_no",
        (entry_id,)))
    return JournalEntry(row["id"], row["number"], row["kind"], row["entry_date"], row["memo"],
                        row["reference"], row["reverses"], row["user_id"], row["created_at"],
                        lines)


def list_entries(db: Database, date_from: date | None = None, date_to: date | None = None,
                 *, kind: str | None = None) -> list[JournalEntry]:
    where, params = ["1 = 1"], []
    if date_from:
        where.append("entry_date >= ?")
        params.append(date_from.isoformat())
    if date_to:
        where.append("entry_date <= ?")
        params.append(date_to.isoformat())
    if kind:
        where.append("kind = ?")
        params.append(kind)
    ids = [r[0] for r in db.query("SELECT id FROM journal_entries WHERE " + " AND ".join(where)
                                  + " ORDER BY entry_date, created_at", params)]
    return [get_entry(db, i) for i in ids]


def journal_mismatches(db: Database) -> list[tuple[str, int]]:
    """Entries whose lines do not sum to zero (``gerai check``)."""
    return [(r[0], r[1]) for r in db.query(
        "SELECT e.number, sum(l.amount) FROM journal_entries e JOIN journal_lines l"
        " ON l.entry_id = e.id GROUP BY e.id HAVING sum(l.amount) <> 0")]


def income_statement(db: Database, date_from: date, date_to: date):
    """The PHU of a period (see :func:`app.models.ledger.income_statement`)."""
    from app.models.ledger import income_statement as statement

    return statement(db, date_from, date_to)
