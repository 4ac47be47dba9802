"""Papers of buying from distributors: the purchase order to send or print, and the
supplier's statement (kartu utang) to agree the balance with them.

A draft or cancelled order carries the word across every page, so nobody delivers against
it. Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.i18n import _, ngettext
from app.models import payables, purchasing, suppliers
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.money import QTY_SCALE, format_qty
from app.models.products import get_product
from app.models.settings import ShopSettings, get_settings
from app.models.stock_views import day_bounds
from app.models.users import User, require
from app.reports.document_pdf import (
    Document,
    Fields,
    Note,
    Signatures,
    day_text,
    document_pdf,
    moment_text,
    period_text,
)
from app.reports.output import check_target, write_atomically
from app.reports.tabular import COUNT, MONEY, QTY, Column, ReportTable, data, total


def _day_of(iso: str | None, settings: ShopSettings) -> str:
    return day_text(local_date(iso, settings.zone)) if iso else "–"


def _supplier_fields(supplier: suppliers.Supplier, *, bank: bool) -> list[tuple[str, str]]:
    contact = " · ".join(p for p in (supplier.contact, supplier.phone) if p)
    pairs = [(_("Pemasok"), supplier.name), (_("Kontak"), contact),
             (_("Alamat"), supplier.address), (_("Syarat bayar"), supplier.terms_label)]
    if bank:
        account = " · ".join(p for p in (supplier.bank_name, supplier.bank_account,
                                         supplier.bank_holder and _("a.n. {name}").format(
                                             name=supplier.bank_holder)) if p)
        pairs.append((_("Rekening"), account))
    return pairs


# --- the purchase order -----------------------------------------------------------------


def _pack(line: purchasing.POLine, base_unit: str) -> str:
    """``dus isi 12 pcs``; a line in the base unit is just the unit."""
    if line.factor == QTY_SCALE and line.unit_name == base_unit:
        return line.unit_name
    return _("{pack} isi {qty}").format(pack=line.unit_name,
                                        qty=format_qty(line.factor, base_unit))


def po_document(db: Database, po_id: str) -> Document:
    po = purchasing.get_po(db, po_id)
    settings = get_settings(db)
    supplier = suppliers.get_supplier(db, po.supplier_id)
    received = any(line.received_base for line in po.lines)
    columns = [Column(_("No."), COUNT), Column(_("Nama barang"), weight=3),
               Column(_("Banyaknya"), QTY), Column(_("Kemasan"), weight=1.2),
               Column(_("Harga per kemasan (Rp)"), MONEY), Column(_("Jumlah (Rp)"), MONEY)]
    if received:
        columns.insert(4, Column(_("Sudah diterima"), QTY))
    lines = []
    for line in po.lines:
        cells = [line.line_no, line.name, line.qty,
                 _pack(line, get_product(db, line.product_id).base_unit),
                 line.unit_price, line.amount]
        if received:
            cells.insert(4, line.received_base * QTY_SCALE // line.factor)
        lines.append(data(*cells))
    label = ngettext("Total ({n} baris)", "Total ({n} baris)", len(po.lines)).format(
        n=len(po.lines))
    lines.append(total(None, label, *[None] * (len(columns) - 3), po.total))
    stamp = {"draft": _("DRAF"), "cancelled": _("DIBATALKAN")}.get(po.status, "")
    fields = Fields(tuple(
        _supplier_fields(supplier, bank=False)
        + [(_("Kirim ke"), ", ".join(p for p in (settings.shop_name, settings.address) if p)),
           (_("Status"), purchasing.status_label(po.status)),
           (_("Dikirim ke pemasok"), _day_of(po.sent_at, settings))]))
    blocks = [fields, ReportTable(tuple(columns), tuple(lines))]
    if po.note:
        blocks.append(Note(po.note, _("Catatan")))
    blocks.append(Note(_("Mohon cantumkan nomor pesanan {number} pada surat jalan dan faktur.")
                       .format(number=po.number)))
    blocks.append(Signatures(((_("Dipesan oleh,\nManajer gerai"), ""),
                              (_("Mengetahui,\nKetua koperasi"), ""),
                              (_("Diterima oleh,\n{supplier}").format(supplier=supplier.name),
                               ""))))
    return Document(_("PESANAN PEMBELIAN"), tuple(blocks), number=po.number,
                    period=_("Tanggal {day}").format(day=_day_of(po.created_at, settings)),
                    stamp=stamp)


def po_pdf(db: Database, po_id: str, *, printed_by: User) -> bytes:
    require(printed_by, "report.stock")
    return document_pdf(po_document(db, po_id), settings=get_settings(db),
                        printed_by=printed_by.full_name, printed_at=now_iso())


def write_po_pdf(db: Database, po_id: str, path, *, printed_by: User) -> Path:
    """The purchase order ``po_id`` as an A4 PDF at ``path``."""
    require(printed_by, "report.stock")
    check_target(path)
    return write_atomically(path, po_pdf(db, po_id, printed_by=printed_by))


# --- the supplier statement -------------------------------------------------------------


def _method_label(reference: str) -> str:
    """The statement gives a payment's reference as ``method [reference]``."""
    method, _sep, rest = reference.partition(" ")
    label = {"cash": _("Tunai"), "transfer": _("Transfer")}.get(method)
    return " ".join(p for p in (label, rest) if p) if label else reference


def statement_document(db: Database, supplier_id: str, since=None, until=None, *,
                       today: date) -> Document:
    settings = get_settings(db)
    start, end = day_bounds(db, since, until)
    account = payables.statement(db, supplier_id, since=start or None, until=end)
    supplier = suppliers.get_supplier(db, supplier_id)
    columns = (Column(_("Waktu ({zone})").format(zone=settings.zone)), Column(_("Jenis")),
               Column(_("Nomor"), weight=1.4),
               Column(_("Referensi"), weight=1.4), Column(_("Tagihan (Rp)"), MONEY),
               Column(_("Dibayar (Rp)"), MONEY), Column(_("Saldo (Rp)"), MONEY))
    lines = [data(None, _("Saldo awal"), None, None, None, None, account.opening)]
    billed = paid = 0
    for line in account.lines:
        invoice = line.kind == "invoice"
        billed += line.amount if invoice else 0
        paid += -line.amount if not invoice else 0
        lines.append(data(moment_text(line.at, settings.zone),
                          _("Faktur") if invoice else _("Pembayaran"), line.number,
                          line.reference if invoice else _method_label(line.reference),
                          line.amount if invoice else None, None if invoice else -line.amount,
                          line.balance))
    lines.append(total(None, _("Saldo akhir"), None, None, billed, paid, account.closing))
    movements = ReportTable(columns, tuple(lines), caption=_("Mutasi utang"))

    open_columns = (Column(_("Nomor"), weight=1.4), Column(_("No. faktur pemasok"), weight=1.2),
                    Column(_("Tanggal faktur")), Column(_("Jatuh tempo")),
                    Column(_("Nilai faktur (Rp)"), MONEY), Column(_("Sisa (Rp)"), MONEY),
                    Column(_("Umur")))
    unpaid = payables.invoices(db, supplier_id=supplier_id, open_only=True)
    open_lines = [data(i.number, i.invoice_no, day_text(date.fromisoformat(i.invoice_date)),
                       day_text(date.fromisoformat(i.due_date)), i.amount, i.open,
                       payables.bucket_label(payables.bucket_of(i.days_overdue(today))))
                  for i in unpaid]
    if open_lines:
        open_lines.append(total(_("Total"), None, None, None, sum(i.amount for i in unpaid),
                                sum(i.open for i in unpaid), None))
    open_invoices = ReportTable(
        open_columns, tuple(open_lines),
        caption=_("Faktur belum lunas per {day}").format(day=day_text(today)),
        empty=_("Tidak ada faktur yang belum lunas."))
    blocks = (Fields(tuple(_supplier_fields(supplier, bank=True))), movements, open_invoices,
              Signatures(((_("Bendahara,\n{cooperative}").format(
                  cooperative=settings.cooperative_name), ""),
                  (_("Setuju dengan saldo di atas,\n{supplier}").format(supplier=supplier.name),
                   ""))))
    return Document(_("KARTU UTANG PEMASOK"), blocks, period=period_text(since, until))


def supplier_statement_pdf(db: Database, supplier_id: str, since=None, until=None, *,
                           printed_by: User) -> bytes:
    require(printed_by, "report.stock")
    at = now_iso()
    settings = get_settings(db)
    document = statement_document(db, supplier_id, since, until,
                                  today=local_date(at, settings.zone))
    return document_pdf(document, settings=settings, printed_by=printed_by.full_name,
                        printed_at=at)


def write_supplier_statement_pdf(db: Database, supplier_id: str, path, since=None, until=None,
                                 *, printed_by: User) -> Path:
    """The supplier's account from ``since`` to ``until`` (shop days, inclusive; ``date`` or
    ``2026-11-30``; None leaves that side open) with their unpaid invoices, as a PDF."""
    require(printed_by, "report.stock")
    check_target(path)
    return write_atomically(path, supplier_statement_pdf(db, supplier_id, since, until,
                                                         printed_by=printed_by))
