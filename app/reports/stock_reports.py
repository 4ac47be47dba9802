"""What the manager and the treasurer print about stock: the stock card (kartu stok) of a
product with its running balance, the stock valuation by category, and the low-stock list.

The figures come from ``app.models.stock_views``; this module only arranges them. A
valuation's value is the stock ledger's own (what the goods cost at the moving average,
before any per-unit rounding), so its total is the balance sheet's inventory to the rupiah.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from app.i18n import _, ngettext
from app.models import stock_views
from app.models.clock import format_local, now_iso
from app.models.db import Database
from app.models.money import format_qty, format_rupiah
from app.models.products import get_product
from app.models.settings import get_settings
from app.models.users import User, require
from app.reports.document_pdf import (
    Document,
    Fields,
    Note,
    document_pdf,
    moment_text,
    period_text,
)
from app.reports.output import check_target, save_report, write_atomically
from app.reports.tabular import (
    COUNT,
    MONEY,
    QTY,
    Column,
    ReportTable,
    data,
    group,
    subtotal,
    total,
)


def category_label(category: str) -> str:
    return category or _("(Tanpa kategori)")


def _by_category(rows, key=lambda r: r.category):
    """Rows grouped by category, categories in alphabetical order, the unnamed one last."""
    ordered = sorted(rows, key=lambda r: (not key(r), key(r).lower(), r.name.lower(), r.id))
    return [(category, list(members)) for category, members in groupby(ordered, key)]


# --- the stock card ---------------------------------------------------------------------


def stock_card_document(db: Database, product_id: str, date_from=None, date_to=None
                        ) -> Document:
    settings = get_settings(db)
    card = stock_views.stock_card(db, product_id, date_from, date_to)
    product = get_product(db, product_id)
    unit = card.unit
    columns = (Column(_("Waktu ({zone})").format(zone=settings.zone)), Column(_("Jenis"), weight=1.1),
               Column(_("Dokumen"), weight=1.7), Column(_("Keterangan"), weight=1.8),
               Column(_("Oleh"), weight=1.1),
               Column(_("Masuk ({unit})").format(unit=unit), QTY),
               Column(_("Keluar ({unit})").format(unit=unit), QTY),
               Column(_("Saldo ({unit})").format(unit=unit), QTY),
               Column(_("Nilai (Rp)"), MONEY), Column(_("Saldo nilai (Rp)"), MONEY))
    lines = [data(None, _("Saldo awal"), None, None, None, None, None, card.opening_qty, None,
                  card.opening_value)]
    came = went = worth = 0
    for m in card.lines:
        came += max(m.qty, 0)
        went += max(-m.qty, 0)
        worth += m.value
        lines.append(data(moment_text(m.created_at, settings.zone), m.kind_label,
                          m.doc_number, m.reason, m.user_name, m.qty if m.qty > 0 else None,
                          -m.qty if m.qty < 0 else None, m.balance_qty, m.value,
                          m.balance_value))
    lines.append(total(None, _("Saldo akhir"), None,
                       ngettext("{n} mutasi", "{n} mutasi", len(card.lines)).format(n=len(card.lines)), None, came, went,
                       card.closing_qty, worth, card.closing_value))
    fields = Fields((
        (_("Produk"), product.name), (_("Kategori"), category_label(product.category)),
        (_("Satuan dasar"), unit), (_("Barcode"), ", ".join(product.barcodes)),
        (_("Stok minimum"), format_qty(product.min_stock, unit)),
        (_("HPP rata-rata kini"), _("{price} per {unit}").format(
            price=format_rupiah(product.cost), unit=unit)),
    ))
    table = ReportTable(columns, tuple(lines),
                        empty=_("Tidak ada mutasi stok pada periode ini."))
    return Document(_("KARTU STOK"), (fields, table), number=product.name,
                    period=period_text(date_from, date_to), landscape=True)


def write_stock_card_pdf(db: Database, product_id: str, path, date_from=None, date_to=None,
                         *, printed_by: User) -> Path:
    """The stock card of ``product_id`` over the shop days ``date_from``..``date_to``
    (inclusive; ``date`` or ``2026-11-30``; None leaves that side open) as an A4 PDF."""
    require(printed_by, "report.stock")
    check_target(path)
    document = stock_card_document(db, product_id, date_from, date_to)
    return write_atomically(path, document_pdf(
        document, settings=get_settings(db), printed_by=printed_by.full_name,
        printed_at=now_iso()))


# --- the valuation ----------------------------------------------------------------------


def valued_rows(db: Database) -> list[stock_views.StockRow]:
    """The products a valuation lists: those holding stock or value (an archived product
    still on the shelf counts; one on sale with nothing held adds nothing)."""
    return [r for r in stock_views.stock_on_hand(db) if r.qty or r.value]


def _name(row) -> str:
    return _("{name} (diarsipkan)").format(name=row.name) if row.archived else row.name


def valuation_tables(db: Database) -> tuple[ReportTable, ReportTable, ReportTable]:
    """(by category with subtotals, for paper; every product in one flat list, for a
    spreadsheet; one line per category)."""
    groups = _by_category(valued_rows(db))
    value_columns = (Column(_("Satuan")), Column(_("Stok"), QTY),
                     Column(_("HPP per satuan (Rp)"), MONEY), Column(_("Nilai (Rp)"), MONEY))
    grouped, flat, summary = [], [], []
    grand = count = 0
    for category, rows in groups:
        label = category_label(category)
        value = sum(r.value for r in rows)
        grand += value
        count += len(rows)
        grouped.append(group(label))
        for r in rows:
            cells = (r.unit, r.qty, r.average_cost, r.value)
            grouped.append(data(_name(r), *cells))
            flat.append(data(label, _name(r), *cells))
        grouped.append(subtotal(_("Subtotal {category} ({n} produk)").format(
            category=label, n=len(rows)), None, None, None, value))
        summary.append(data(label, len(rows), value))
    title = _("Total persediaan ({n} produk)").format(n=count)
    grouped.append(total(title, None, None, None, grand))
    flat.append(total(_("Total"), None, None, None, None, grand))
    summary.append(total(_("Total"), count, grand))
    empty = _("Tidak ada persediaan.")
    return (
        ReportTable((Column(_("Produk"), weight=3), *value_columns), tuple(grouped),
                    empty=empty),
        ReportTable((Column(_("Kategori"), weight=1.2), Column(_("Produk"), weight=3),
                     *value_columns), tuple(flat), sheet=_("Persediaan"), empty=empty),
        ReportTable((Column(_("Kategori"), weight=2), Column(_("Jumlah produk"), COUNT),
                     Column(_("Nilai (Rp)"), MONEY)), tuple(summary),
                    caption=_("Ringkasan per kategori"), sheet=_("Per kategori"), empty=empty),
    )


def _as_of(db: Database, at: str) -> str:
    return _("Per {when}").format(when=format_local(at, get_settings(db).zone))


def write_valuation(db: Database, path, format: str = "pdf", *, printed_by: User) -> Path:
    """Stock valuation now: quantity × moving-average cost by category, with category
    subtotals and a grand total; ``format`` pdf, xlsx (a sheet per product and per category)
    or csv (one line per product)."""
    require(printed_by, "report.stock")
    at = now_iso()
    by_category, flat, summary = valuation_tables(db)
    note = Note(_("Nilai = stok × HPP rata-rata bergerak, sebagaimana tercatat di kartu stok "
                  "(HPP per satuan dibulatkan ke rupiah; nilainya tidak). Produk tanpa stok "
                  "tidak dicantumkan."))
    document = Document(_("LAPORAN NILAI PERSEDIAAN"), (by_category, summary, note),
                        period=_as_of(db, at))
    return save_report(path, format, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=at, document=document, sheets=(flat, summary))


# --- low stock --------------------------------------------------------------------------


def low_stock_tables(db: Database) -> tuple[ReportTable, ReportTable]:
    """(by category, for paper; one flat list, for a spreadsheet)."""
    groups = _by_category(stock_views.low_stock(db))
    qty_columns = (Column(_("Satuan")), Column(_("Stok"), QTY), Column(_("Minimum"), QTY),
                   Column(_("Kekurangan"), QTY))
    grouped, flat = [], []
    count = 0
    for category, rows in groups:
        label = category_label(category)
        grouped.append(group(label))
        for r in rows:
            cells = (r.unit, r.qty, r.min_stock, r.shortfall)
            grouped.append(data(r.name, *cells))
            flat.append(data(label, r.name, *cells))
        count += len(rows)
    if count:
        label = ngettext("{n} produk perlu dipesan", "{n} produk perlu dipesan",
                         count).format(n=count)
        grouped.append(total(label, None, None, None, None))
        flat.append(total(label, None, None, None, None, None))
    empty = _("Tidak ada produk di bawah stok minimum.")
    return (ReportTable((Column(_("Produk"), weight=3), *qty_columns), tuple(grouped),
                        empty=empty),
            ReportTable((Column(_("Kategori"), weight=1.2), Column(_("Produk"), weight=3),
                         *qty_columns), tuple(flat), sheet=_("Stok menipis"), empty=empty))


def write_low_stock(db: Database, path, format: str = "pdf", *, printed_by: User) -> Path:
    """Products on sale at or under their minimum stock, by category; pdf, xlsx or csv."""
    require(printed_by, "report.stock")
    at = now_iso()
    by_category, flat = low_stock_tables(db)
    document = Document(_("DAFTAR STOK MENIPIS"), (by_category,), period=_as_of(db, at))
    return save_report(path, format, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=at, document=document, sheets=(flat,))
