"""Bank reconciliation (rekonsiliasi bank): the bank's statement of the shop's account
(mutasi rekening, as the internet banking exports it) beside the money the books say went
through the bank — QRIS and transfers at the till, bon repaid by QRIS or transfer, savings
by transfer, suppliers and producers paid by transfer, and the treasurer's journal entries
on the bank account (1110).

A statement line and a book item match when their amounts are equal and the book's
reference (or its document number) is written in the line's reference or description,
ignoring case, spaces and punctuation (banks drop the dashes of ``KDMP017-261130-0042`` in
a transfer's message). What is left is then matched on the amount alone when exactly one
book item and one line of that amount lie within three days of each other; such a match is
flagged, for the treasurer to look at. Each line and each item is matched at most once.
Whatever stays unmatched on either side is what the treasurer chases.

Reading the statement (:func:`parse_statement`) is tolerant of the usual exports: ``;`` or
``,`` between fields, a few lines about the account above the header, days as
``31/12/2026``, ``31-12-2026`` or ``2026-12-31``, amounts as ``1.500.000,00``,
``1,500,000.00`` or ``1500000``, money in and out as two columns (debet/kredit), as a sign,
or as a ``CR``/``DB`` mark. A file it cannot read is refused whole, naming the lines.

Reads only: nothing here writes to the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from app.i18n import _
from app.models.clock import local_date
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import MAX_RUPIAH, div_round_half_up
from app.models.report_sales import check_period
from app.models.settings import get_settings
from app.models.stock_views import day_bounds

#: Larger statements are refused before reading (a year of a busy account is far less).
MAX_BYTES = 20 * 1024 * 1024
#: How many days apart a line and an item matched on the amount alone may be.
DATE_WINDOW = 3
#: A reference shorter than this is too likely to appear in any text by chance.
MIN_REFERENCE = 4
#: At most this many problems are reported (a wrong file would otherwise list every line).
MAX_PROBLEMS = 12
BY_REFERENCE, BY_AMOUNT_DATE = "reference", "amount_date"
ACCOUNT = "1110"

_HEADER_WORDS = {
    "day": ("tanggal", "tgl", "date", "tanggal transaksi", "tgl transaksi", "tgl. transaksi",
            "transaction date", "post date", "tanggal posting", "value date"),
    "description": ("keterangan", "description", "deskripsi", "uraian", "uraian transaksi",
                    "remark", "remarks", "keterangan transaksi", "narrative", "berita"),
    "reference": ("referensi", "reference", "no referensi", "no. referensi", "ref", "ref no",
                  "no ref", "no. ref", "nomor referensi", "reference no", "reference number"),
    "amount": ("jumlah", "amount", "mutasi", "nominal", "nilai", "jumlah mutasi"),
    "debit": ("debet", "debit", "db", "mutasi debet", "mutasi debit", "keluar", "withdrawal"),
    "credit": ("kredit", "credit", "cr", "mutasi kredit", "masuk", "deposit"),
    "mark": ("db/cr", "d/k", "dk", "cr/db", "d/c", "tipe", "type", "jenis", "k/d"),
}
_SUMMARY_WORDS = ("saldo awal", "saldo akhir", "opening balance", "closing balance",
                  "mutasi debet", "mutasi kredit", "total", "jumlah", "saldo")
_DAY_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y",
                "%d-%m-%y")
_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class StatementLine:
    line_no: int          # the line of the file, counting from 1
    day: date
    description: str
    reference: str
    amount: int           # rupiah: + into the account (kredit), − out of it (debet)


@dataclass(frozen=True)
class BookItem:
    """Money through the bank as the books have it."""

    source: str           # sale, credit_payment, savings, supplier_payment, consignor_payment, journal
    id: str
    number: str           # the document's number
    day: date
    amount: int           # + into the bank, − out of it
    reference: str
    description: str


class Match(NamedTuple):
    line: StatementLine
    item: BookItem
    rule: str             # BY_REFERENCE or BY_AMOUNT_DATE


@dataclass(frozen=True)
class Reconciliation:
    date_from: date
    date_to: date
    matched: tuple[Match, ...]
    unmatched_statement: tuple[StatementLine, ...]
    unmatched_books: tuple[BookItem, ...]
    #: Lines of the statement outside the period that matched nothing (not counted).
    outside: tuple[StatementLine, ...] = ()

    @property
    def statement(self) -> tuple[StatementLine, ...]:
        """The statement's lines within the period."""
        lines = [m.line for m in self.matched if self.date_from <= m.line.day <= self.date_to]
        return tuple(sorted(lines + list(self.unmatched_statement), key=lambda s: s.line_no))

    @property
    def money_in(self) -> int:
        return sum(s.amount for s in self.statement if s.amount > 0)

    @property
    def money_out(self) -> int:
        return -sum(s.amount for s in self.statement if s.amount < 0)

    @property
    def by_amount_date(self) -> int:
        return sum(m.rule == BY_AMOUNT_DATE for m in self.matched)


def source_label(source: str) -> str:
    return {"sale": _("Penjualan"), "refund": _("Retur/batal"),
            "credit_payment": _("Bayar bon"), "savings": _("Simpanan"),
            "supplier_payment": _("Bayar pemasok"),
            "consignor_payment": _("Bayar penitip"), "journal": _("Jurnal")}.get(source, source)


def rule_label(rule: str) -> str:
    return {BY_REFERENCE: _("cocok referensi"),
            BY_AMOUNT_DATE: _("cocok jumlah/tanggal")}.get(rule, rule)


# --- reading the statement ----------------------------------------------------------------


def _read_text(path: Path) -> str:
    if not isinstance(path, str | Path) or not str(path).strip():
        raise UserError(_("Berkas mutasi rekening belum dipilih."), "statement")
    path = Path(path)
    try:
        if path.is_dir():
            raise UserError(_("{path} adalah folder, bukan berkas.").format(path=path),
                            "statement")
        if path.stat().st_size > MAX_BYTES:
            raise UserError(_("{name} terlalu besar untuk mutasi rekening (paling banyak {mb}"
                              " MB).").format(name=path.name, mb=MAX_BYTES // (1024 * 1024)),
                            "statement")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(_("Berkas tidak ditemukan: {path}").format(path=path),
                        "statement") from None
    except OSError as e:
        raise UserError(_("Berkas {path} tidak dapat dibaca: {reason}").format(
            path=path, reason=e.strerror or type(e).__name__), "statement") from None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise UserError(_("{name} bukan berkas CSV. Unduh mutasi rekening dari internet"
                          " banking dalam format CSV.").format(name=path.name), "statement")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
        except UnicodeDecodeError:
            # Older banking exports are Windows-1252; only descriptions could differ.
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise UserError(_("{name} bukan berkas teks: baris {line} berisi data biner.").format(
            name=path.name, line=line), "statement")
    if not text.strip():
        raise UserError(_("{name} kosong.").format(name=path.name), "statement")
    return text


def _word(cell: str) -> str:
    return " ".join(cell.strip().strip("'\"").lower().replace("_", " ").split()).rstrip(":")


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Which column holds what, when ``cells`` is a header line; else None."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        word = _word(cell)
        for role, words in _HEADER_WORDS.items():
            if word in words and role not in found:
                found[role] = i
                break
    money = "amount" in found or ("debit" in found and "credit" in found)
    return found if "day" in found and money else None


def _find_header(lines: list[str]) -> tuple[int, str, dict[str, int]]:
    """The header's line index, the separator and the columns (the header may come after
    a few lines about the account)."""
    for n, line in enumerate(lines[:40]):
        for sep in (";", ",", "\t", "|"):
            cells = next(csv.reader([line], delimiter=sep), [])
            columns = _header_columns(cells)
            if columns is not None:
                return n, sep, columns
    raise UserError(_("Berkas ini bukan mutasi rekening yang dikenal: tidak ada baris judul"
                      " kolom dengan tanggal dan jumlah (mis. Tanggal;Keterangan;Jumlah atau"
                      " Tanggal,Keterangan,Debet,Kredit)."), "statement")


def parse_day_text(text: str) -> date | None:
    text = text.strip().strip("'\"")
    text = text.split(" ")[0].split("T")[0] if len(text) > 10 else text
    for pattern in _DAY_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_amount_text(text: str) -> int | None:
    """Rupiah from a statement's cell: a sign, brackets or a ``CR``/``DB`` mark; thousands
    and decimals either way round (``1.500.000,00``, ``1,500,000.00``, ``1500000``); sen
    rounded half up to the rupiah. None when it is not an amount."""
    text = text.strip().strip("'\"").upper().replace("IDR", "").replace("RP", "")
    text = "".join(text.split())
    sign = 1
    for mark, value in (("CR", 1), ("DB", -1), ("DR", -1), ("K", 1), ("D", -1)):
        if text.endswith(mark):
            text, sign = text.removesuffix(mark).rstrip("."), value
            break
    if text.startswith("(") and text.endswith(")"):
        text, sign = text[1:-1], -sign
    if text[:1] in ("-", "+"):
        text, sign = text[1:], -sign if text[0] == "-" else sign
    elif text.endswith("-"):
        text, sign = text[:-1], -sign
    if not text or not re.fullmatch(r"[\d.,]+", text) or not text[0].isdigit():
        return None
    whole, cents = text, "0"
    last = max(text.rfind("."), text.rfind(","))
    if last >= 0:
        separators = {c for c in text if c in ".,"}
        tail = text[last + 1:]
        decimal = len(separators) == 2 or (text.count(text[last]) == 1 and len(tail) != 3)
        if decimal:
            whole, cents = text[:last], tail
            if not 1 <= len(cents) <= 2 or not cents.isdigit():
                return None
        groups = re.split(r"[.,]", whole)
        if len(groups) > 1 and (len({c for c in whole if c in ".,"}) > 1 or not (
                1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]))):
            return None
        whole = "".join(groups)
    if not whole.isdigit():
        return None
    value = div_round_half_up(int(whole) * 100 + int(cents.ljust(2, "0")), 100) * sign
    return value if abs(value) <= MAX_RUPIAH else None


def _mark(text: str) -> int | None:
    word = text.strip().upper()
    if word in ("CR", "K", "C", "KREDIT", "CREDIT", "+"):
        return 1
    if word in ("DB", "D", "DR", "DEBET", "DEBIT", "-"):
        return -1
    return None


def parse_statement(path) -> list[StatementLine]:
    """The lines of a bank statement CSV, in file order; a file that is not one, or has a
    line that cannot be read, is refused whole (ValidationError naming the lines)."""
    text = _read_text(path)
    lines = text.splitlines()
    start, sep, columns = _find_header(lines)
    problems: list[Problem] = []
    found: list[StatementLine] = []
    reader = csv.reader(io.StringIO("\n".join(lines[start + 1:])), delimiter=sep)
    try:
        for offset, cells in enumerate(reader):
            line_no = start + 2 + offset
            row = _statement_row(line_no, cells, columns)
            if isinstance(row, Problem):
                problems.append(row)
                if len(problems) >= MAX_PROBLEMS:
                    break
            elif row is not None:
                found.append(row)
    except csv.Error as e:
        problems.append(Problem("statement", _("Baris {line}: tidak dapat dibaca ({reason}).")
                                .format(line=start + 2 + reader.line_num, reason=e),
                                start + 2 + reader.line_num))
    if problems:
        raise ValidationError(problems)
    if not found:
        raise UserError(_("Mutasi rekening ini tidak berisi transaksi."), "statement")
    return found


def _cell(cells: list[str], columns: dict[str, int], role: str) -> str:
    i = columns.get(role)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _statement_row(line_no: int, cells: list[str], columns: dict[str, int]
                   ) -> StatementLine | Problem | None:
    """One line of the file: a transaction, None for a blank, pending or closing line, or
    the problem with it."""
    if not any(c.strip() for c in cells):
        return None
    day_text = _cell(cells, columns, "day")
    first = _word(day_text or (cells[0] if cells else ""))
    if first.startswith(_SUMMARY_WORDS):
        return None            # the statement's own totals under the lines
    if day_text.strip("'\"").upper() == "PEND":
        return None            # pending at the bank: not booked yet
    day = parse_day_text(day_text)
    if day is None:
        return Problem("statement", _("Baris {line}: tanggal \"{text}\" tidak dikenal (tulis"
                                      " mis. 31/12/2026 atau 2026-12-31).").format(
            line=line_no, text=day_text[:20]), line_no)
    if "amount" in columns:
        amount = parse_amount_text(_cell(cells, columns, "amount"))
        if amount is not None and "mark" in columns:
            mark = _mark(_cell(cells, columns, "mark"))
            amount = abs(amount) * mark if mark is not None else None
        shown = _cell(cells, columns, "amount")
    else:
        debit_text, credit_text = _cell(cells, columns, "debit"), _cell(cells, columns, "credit")
        debit = parse_amount_text(debit_text) if debit_text else 0
        credit = parse_amount_text(credit_text) if credit_text else 0
        amount = None if debit is None or credit is None else abs(credit) - abs(debit)
        shown = f"{debit_text} / {credit_text}"
    if amount is None:
        return Problem("statement", _("Baris {line}: jumlah \"{text}\" tidak dikenal.").format(
            line=line_no, text=shown[:30]), line_no)
    if amount == 0:
        return None            # an information line (e.g. a zero fee)
    return StatementLine(line_no, day, " ".join(_cell(cells, columns, "description").split()),
                         " ".join(_cell(cells, columns, "reference").split()), amount)


# --- the books' side ------------------------------------------------------------------------


def _method(code: str) -> str:
    return {"qris": _("QRIS"), "transfer": _("Transfer")}.get(code, code)


def book_items(db: Database, date_from: date, date_to: date) -> list[BookItem]:
    """Money through the bank in the books over the shop's days ``date_from``..``date_to``,
    in order of time."""
    from app.models.member_money import kind_label

    start, end = day_bounds(db, date_from, date_to)
    zone_name = get_settings(db).zone
    rows = db.query(
        # Till payments by QRIS or transfer; a refund's own row has no reference: it goes
        # back the way the sale was paid, so the sale's reference and number stand for it.
        "SELECT CASE WHEN s.kind = 'sale' THEN 'sale' ELSE 'refund' END AS source, p.id,"
        " s.number, s.created_at AS at, p.amount,"
        " trim(p.reference || ' ' || coalesce((SELECT group_concat(q.reference, ' ')"
        "   FROM payments q WHERE q.sale_id = s.original_id AND q.method = p.method), '')"
        "   || ' ' || coalesce(o.number, '')) AS reference, p.method AS what, '' AS who"
        " FROM payments p JOIN sales s ON s.id = p.sale_id"
        " LEFT JOIN sales o ON o.id = s.original_id"
        " WHERE p.method IN ('qris', 'transfer') AND s.created_at >= ? AND s.created_at < ?"
        " UNION ALL SELECT 'credit_payment', c.id, c.number, c.created_at, c.amount,"
        " c.reference, c.method, m.number || ' ' || m.name FROM credit_payments c"
        " JOIN members m ON m.id = c.member_id WHERE c.method IN ('qris', 'transfer')"
        " AND c.created_at >= ? AND c.created_at < ?"
        " UNION ALL SELECT 'savings', v.id, v.number, v.created_at, v.amount, v.reference,"
        " v.kind, m.number || ' ' || m.name FROM savings_movements v"
        " JOIN members m ON m.id = v.member_id WHERE v.method = 'transfer'"
        " AND v.created_at >= ? AND v.created_at < ?"
        " UNION ALL SELECT 'supplier_payment', p.id, p.number, p.created_at, -p.amount,"
        " p.reference, '', s.name FROM supplier_payments p"
        " JOIN suppliers s ON s.id = p.supplier_id"
        " WHERE p.method = 'transfer' AND p.created_at >= ? AND p.created_at < ?"
        " UNION ALL SELECT 'consignor_payment', p.id, p.number, p.created_at, -p.amount,"
        " p.reference, '', c.name FROM consignor_payments p JOIN consignors c"
        " ON c.id = p.consignor_id WHERE p.method = 'transfer'"
        " AND p.created_at >= ? AND p.created_at < ?"
        " ORDER BY at", (start, end) * 5)
    items = []
    for r in rows:
        what = kind_label(r["what"]) if r["source"] == "savings" else _method(r["what"])
        items.append(BookItem(r["source"], r["id"], r["number"],
                              local_date(r["at"], zone_name), r["amount"], r["reference"],
                              " ".join(t for t in (what, r["who"]) if t)))
    # The treasurer's journal is dated by the day it is for, not when it was typed.
    items += [BookItem("journal", r["id"], r["number"], date.fromisoformat(r["entry_date"]),
                       r["amount"], r["reference"], r["memo"]) for r in db.query(
        "SELECT e.id, e.number, e.entry_date, e.reference, e.memo, sum(l.amount) AS amount"
        " FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id"
        " WHERE l.account = ? AND e.entry_date >= ? AND e.entry_date <= ?"
        " GROUP BY e.id HAVING sum(l.amount) <> 0 ORDER BY e.entry_date, e.number",
        (ACCOUNT, date_from.isoformat(), date_to.isoformat()))]
    return sorted(items, key=lambda i: i.day)


# --- matching -----------------------------------------------------------------------------


def _squeezed(text: str) -> str:
    return _NOT_ALNUM.sub("", text).upper()


def _keys(item: BookItem) -> list[str]:
    """What of the item may be written on the bank's line: its references, its number."""
    words = [item.number] + [w for w in item.reference.split() if w]
    if item.reference:
        words.append(item.reference)
    return [k for k in {_squeezed(w) for w in words} if len(k) >= MIN_REFERENCE]


def reconcile(db: Database, lines: list[StatementLine], date_from: date, date_to: date
              ) -> Reconciliation:
    """Match the statement's ``lines`` with the books over the shop's days ``date_from``..
    ``date_to`` (a reversed or future period is refused). Lines dated up to three days
    outside the period may still match (the bank books a weekend's QRIS on Monday)."""
    first, last = check_period(db, date_from, date_to)
    items = book_items(db, first, last)
    window = timedelta(days=DATE_WINDOW)
    near = [s for s in lines if first - window <= s.day <= last + window]
    free_lines = {s.line_no: s for s in near}
    free_items = {i.id: i for i in items}
    keys = {i.id: _keys(i) for i in items}
    by_amount: dict[int, list[BookItem]] = {}
    for item in items:
        by_amount.setdefault(item.amount, []).append(item)
    matched: list[Match] = []
    for line in near:                       # first: the amount and a reference
        texts = (_squeezed(line.reference), _squeezed(line.description))
        candidates = [i for i in by_amount.get(line.amount, ()) if i.id in free_items
                      and any(k in t for k in keys[i.id] for t in texts)]
        if candidates:
            best = min(candidates, key=lambda i: abs((i.day - line.day).days))
            matched.append(Match(line, best, BY_REFERENCE))
            del free_lines[line.line_no], free_items[best.id]
    # Then the amount alone, within the window, when neither side has another choice.
    options = {n: [i for i in by_amount.get(s.amount, ()) if i.id in free_items
                   and abs(i.day - s.day) <= window] for n, s in free_lines.items()}
    claims: dict[str, list[int]] = {}
    for n, found in options.items():
        for item in found:
            claims.setdefault(item.id, []).append(n)
    for n, found in options.items():
        if len(found) == 1 and claims[found[0].id] == [n]:
            matched.append(Match(free_lines.pop(n), free_items.pop(found[0].id),
                                 BY_AMOUNT_DATE))
    matched.sort(key=lambda m: m.line.line_no)
    used = {m.line.line_no for m in matched}
    return Reconciliation(
        first, last, tuple(matched),
        tuple(s for s in free_lines.values() if first <= s.day <= last),
        tuple(free_items.values()),
        tuple(s for s in lines if s.line_no not in used and not first <= s.day <= last))
