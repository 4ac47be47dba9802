"""``gerai check``: proves the database is sound and its balances equal its ledgers."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from app.i18n import _, ngettext
from app.models import audit, books, consignment_stock, members, migrations_sync, payables, stock
from app.models.db import Database
from app.models.migrations import latest_version, schema_version


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def run_checks(db: Database) -> list[CheckResult]:
    results = []
    integrity = db.scalar("PRAGMA integrity_check")
    results.append(CheckResult(_("Berkas SQLite"), integrity == "ok",
                               _("utuh") if integrity == "ok" else integrity))
    broken_keys = db.query("PRAGMA foreign_key_check")
    results.append(CheckResult(
        _("Relasi antar tabel"), not broken_keys,
        _("utuh") if not broken_keys else _("{n} baris menunjuk data yang tidak ada").format(
            n=len(broken_keys))))
    version = schema_version(db)
    results.append(CheckResult(_("Versi skema"), version == latest_version(),
                               str(version)))
    tables = set(sqlite_utils.Database(db.conn).table_names())
    missing = {"products", "stock_movements", "stock_balances", "audit_log"} - tables
    results.append(CheckResult(_("Tabel"), not missing,
                               _("lengkap") if not missing else ", ".join(sorted(missing))))
    for name, mismatches, balances, fine, wrong in (
        (_("Stok: saldo = jumlah mutasi"), stock.ledger_mismatches(db), "stock_balances",
         lambda n: ngettext("{n} produk cocok", "{n} produk cocok", n), _("{n} produk tidak cocok, mis. produk {id}: saldo {balance},"
                                  " mutasi {ledger}")),
        (_("Nilai stok: saldo = jumlah mutasi"), stock.ledger_mismatches(db, "value"),
         "stock_balances", lambda n: ngettext("{n} produk cocok", "{n} produk cocok", n),
         _("{n} produk tidak cocok, mis. produk {id}: nilai {balance}, mutasi {ledger}")),
        (_("Utang pemasok: saldo = jumlah mutasi"), payables.payable_mismatches(db),
         "supplier_balances", lambda n: ngettext("{n} pemasok cocok", "{n} pemasok cocok", n),
         _("{n} pemasok tidak cocok, mis. pemasok {id}: saldo {balance}, mutasi {ledger}")),
        (_("Bon anggota: saldo = jumlah mutasi"), members.credit_mismatches(db), "member_credit",
         lambda n: ngettext("{n} anggota cocok", "{n} anggota cocok", n), _("{n} anggota tidak cocok, mis. anggota {id}: saldo {balance},"
                                   " mutasi {ledger}")),
    ):
        if mismatches:
            first_id, balance, ledger = mismatches[0]
            detail = wrong.format(n=len(mismatches), id=first_id, balance=balance, ledger=ledger)
        else:
            count = db.scalar(f"SELECT count(*) FROM {balances}")
            detail = fine(count).format(n=count)
        results.append(CheckResult(name, not mismatches, detail))
    mismatched = consignment_stock.mismatches(db)
    results.append(CheckResult(
        _("Titipan: saldo = jumlah mutasi"), not mismatched,
        ngettext("{n} batch cocok", "{n} batch cocok", n := db.scalar(
            "SELECT count(*) FROM consignment_balances")).format(n=n) if not mismatched
        else _("{n} saldo tidak cocok, mis. {id}: saldo {balance}, mutasi {ledger}").format(
            n=len(mismatched), id=mismatched[0][0], balance=mismatched[0][1],
            ledger=mismatched[0][2])))
    wrong_settlements = db.query(
        "SELECT s.number FROM consignment_settlements s WHERE s.due <> (SELECT coalesce(sum(m.due),"
        " 0) FROM consignment_settlement_lines l JOIN consignment_movements m"
        " ON m.id = l.movement_id WHERE l.settlement_id = s.id) LIMIT 5")
    results.append(CheckResult(
        _("Penyelesaian titipan = baris penjualannya"), not wrong_settlements,
        ngettext("{n} nota cocok", "{n} nota cocok", n := db.scalar(
            "SELECT count(*) FROM consignment_settlements")).format(n=n)
        if not wrong_settlements else _("tidak cocok: {numbers}").format(
            numbers=", ".join(r[0] for r in wrong_settlements))))
    unpaid = db.query(
        "SELECT s.number FROM sales s LEFT JOIN (SELECT sale_id, sum(amount) AS paid"
        " FROM payments GROUP BY sale_id) p ON p.sale_id = s.id"
        " WHERE s.total <> coalesce(p.paid, 0) LIMIT 5")
    results.append(CheckResult(
        _("Penjualan: total = pembayaran"), not unpaid,
        _("{n} struk cocok").format(n=db.scalar("SELECT count(*) FROM sales")) if not unpaid
        else _("tidak cocok: {numbers}").format(numbers=", ".join(r[0] for r in unpaid))))
    overpaid = db.query(
        "SELECT i.number FROM supplier_invoices i JOIN (SELECT invoice_id, sum(amount) AS paid"
        " FROM supplier_payments GROUP BY invoice_id) p ON p.invoice_id = i.id"
        " WHERE p.paid > i.amount LIMIT 5")
    results.append(CheckResult(
        _("Faktur pemasok: dibayar ≤ tagihan"), not overpaid,
        _n_matching_invoices(db)
        if not overpaid else _("lebih bayar: {numbers}").format(
            numbers=", ".join(r[0] for r in overpaid))))
    results.extend(_book_checks(db))
    fts_rows = db.scalar("SELECT count(*) FROM product_search")
    products = db.scalar("SELECT count(*) FROM products")
    results.append(CheckResult(_("Indeks pencarian produk"), fts_rows == products,
                               _("{n} produk terindeks").format(n=fts_rows)))
    chain = audit.verify(db)
    results.append(CheckResult(_("Rantai log audit"), chain.ok, audit_summary(chain)))
    unlogged = migrations_sync.unlogged_tables(db)
    results.append(CheckResult(
        _("Sinkronisasi: perubahan tiap tabel tercatat"), not unlogged,
        _("lengkap") if not unlogged else _("tanpa pencatat: {tables}").format(
            tables=", ".join(unlogged))))
    return results


def _book_checks(db: Database) -> list[CheckResult]:
    """Savings balances equal their ledger; every journal entry balances; the books' own
    figures for stock, bon and producers equal those ledgers; and the neraca balances."""
    from app.models import ledger, member_money, personal

    found = []
    key_path, key_ok = personal.key_status(db)
    found.append(CheckResult(
        _("Kunci data pribadi anggota"), key_ok,
        _("belum ada data pribadi") if key_path is None else
        (_("ada di {path}; simpan salinannya di tempat aman").format(path=key_path) if key_ok
         else _("tidak ada atau tidak cocok: {path}").format(path=key_path))))
    wrong = member_money.savings_mismatches(db)
    n = db.scalar("SELECT count(DISTINCT member_id) FROM savings_balances")
    found.append(CheckResult(
        _("Simpanan: saldo = jumlah mutasi"), not wrong,
        ngettext("{n} anggota cocok", "{n} anggota cocok", n).format(n=n) if not wrong
        else _("{n} saldo tidak cocok, mis. anggota {id} {kind}: saldo {balance}, mutasi"
               " {ledger}").format(n=len(wrong), id=wrong[0][0], kind=wrong[0][1],
                                   balance=wrong[0][2], ledger=wrong[0][3])))
    unbalanced = books.journal_mismatches(db)
    found.append(CheckResult(
        _("Jurnal: debit = kredit"), not unbalanced,
        _("seimbang") if not unbalanced else _("tidak seimbang: {numbers}").format(
            numbers=", ".join(r[0] for r in unbalanced[:5]))))
    moved = ledger.totals(db)
    expected = {
        books.INVENTORY: db.scalar("SELECT coalesce(sum(value), 0) FROM stock_balances"),
        books.RECEIVABLE: db.scalar("SELECT coalesce(sum(balance), 0) FROM member_credit"),
        books.PAYABLE: -db.scalar("SELECT coalesce(sum(balance), 0) FROM supplier_balances"),
        books.CONSIGNOR: db.scalar("SELECT coalesce(sum(amount), 0) FROM consignor_payments")
        - db.scalar("SELECT coalesce(sum(due), 0) FROM consignment_movements"),
    }
    for kind, code in member_money.ACCOUNTS.items():
        expected[code] = -db.scalar("SELECT coalesce(sum(balance), 0) FROM savings_balances"
                                    " WHERE kind = ?", (kind,))
    differ = [f"{code}: {moved.get(code, 0)} ≠ {value}" for code, value in expected.items()
              if moved.get(code, 0) != value]
    found.append(CheckResult(
        _("Buku besar = persediaan, bon, utang, titipan dan simpanan"), not differ,
        _("cocok") if not differ else "; ".join(differ)))
    total = sum(moved.values())
    found.append(CheckResult(_("Neraca seimbang"), total == 0,
                             _("seimbang") if total == 0 else _("selisih {n}").format(n=total)))
    return found


def audit_summary(chain: audit.AuditCheck) -> str:
    if chain.ok:
        return _("{n} baris, rantai utuh").format(n=chain.rows)
    reasons = {
        "missing": _("ada baris yang hilang sebelum baris ini"),
        "link": _("tidak tersambung ke baris sebelumnya"),
        "content": _("isinya diubah"),
    }
    return _("rusak mulai baris {seq}: {reason}").format(
        seq=chain.first_broken, reason=reasons[chain.reason])


def _n_matching_invoices(db: Database) -> str:
    n = db.scalar("SELECT count(*) FROM supplier_invoices")
    return ngettext("{n} faktur cocok", "{n} faktur cocok", n).format(n=n)
