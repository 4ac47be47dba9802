"""The papers of consignment (titip jual) that the shop and a producer both sign or keep:
the intake slip (nota titip), the return slip (nota retur titipan), the settlement slip
(nota penyelesaian) and the consignor's statement with the reconciliation per batch.

Every figure is the ledger's own, read through ``app.models``; a settlement line names the
sale or return it came from, so a producer can trace any rupiah to a receipt.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.i18n import _, ngettext
from app.models import consignment_docs, consignment_stock
from app.models import consignment_settlement as settlement_model
from app.models.clock import local_date, now_iso
from app.models.consignors import (
    Consignor,
    format_commission,
    get_consignor,
    loss_policy_label,
    pay_method_label,
    period_label,
    terms_label,
)
from app.models.db import Database
from app.models.money import format_rupiah
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
from app.reports.tabular import MONEY, QTY, Column, ReportTable, data, subtotal, total

#: A product's name takes the page's spare width and wraps; the other text columns (numbers,
#: dates, codes) ask for a little less of it, so they get what they need first and keep to
#: one line.
NAME = 3.0
SHORT = 2.9


# The papers are landscape: on a portrait page the nine columns of a slip leave a product's
# name three words a line and break the document numbers.


#: A table that follows the signatures starts a line lower (a caption's leading break), so
#: its title does not sit on the names.
AFTER_SIGNATURES = "\n"


def _short(title: str) -> Column:
    return Column(title, weight=SHORT)


def _day(iso_day: str | None) -> str:
    return day_text(date.fromisoformat(iso_day)) if iso_day else ""


def _when(iso: str, settings: ShopSettings) -> str:
    return _("Tanggal {day}").format(day=f"{moment_text(iso, settings.zone)} {settings.zone}")


def _payment_to(consignor: Consignor) -> str:
    """Cash, or the bank account the producer is paid into."""
    if consignor.pay_method != "transfer":
        return pay_method_label("cash")
    holder = consignor.bank_holder and _("a.n. {name}").format(name=consignor.bank_holder)
    return " · ".join(p for p in (pay_method_label("transfer"), consignor.bank_name,
                                  consignor.bank_account, holder) if p)


def _terms_text(terms: str, commission_bp: int) -> str:
    if terms == "fixed":
        return terms_label("fixed")
    return _("Komisi gerai {percent} dari harga jual").format(
        percent=format_commission(commission_bp))


def _consignor_fields(consignor: Consignor, *, terms: str, commission_bp: int
                      ) -> list[tuple[str, str]]:
    return [(_("Penitip"), consignor.name),
            (_("Desa/kelurahan"), consignor.village),
            (_("Telepon"), consignor.phone),
            (_("Ketentuan"), _terms_text(terms, commission_bp)),
            (_("Penyelesaian"), period_label(consignor.period)),
            (_("Selisih hitung"), loss_policy_label(consignor.loss_policy)),
            (_("Dibayar lewat"), _payment_to(consignor))]


def _pdf(db: Database, document: Document, printed_by: User) -> bytes:
    return document_pdf(document, settings=get_settings(db), printed_by=printed_by.full_name,
                        printed_at=now_iso())


def _write(db: Database, out, build, printed_by: User) -> Path:
    """Refuse an unwritable path before any work, build the document (an unknown id is
    refused here), then save it whole."""
    require(printed_by, "report.stock")
    check_target(out)
    return write_atomically(out, _pdf(db, build(), printed_by))


def _lines_label(n: int) -> str:
    return ngettext("Total ({n} baris)", "Total ({n} baris)", n).format(n=n)


# --- the intake slip ----------------------------------------------------------------------


def intake_document(db: Database, intake_id: str) -> Document:
    doc = consignment_docs.intake_document(db, intake_id)
    settings = get_settings(db)
    columns = (Column(_("Barang"), weight=NAME), _short(_("Batch")), _short(_("Diproduksi")),
               _short(_("Kedaluwarsa")), Column(_("Jumlah"), QTY), _short(_("Satuan")),
               Column(_("Harga jual (Rp)"), MONEY),
               Column(_("Hak produsen per satuan (Rp)"), MONEY),
               Column(_("Nilai hak produsen (Rp)"), MONEY))
    lines = [data(line.product_name, line.batch_code, _day(line.produced_on),
                  _day(line.expires_on), line.qty, line.unit, line.shop_price,
                  line.producer_price, line.value) for line in doc.lines]
    lines.append(total(_lines_label(len(doc.lines)), *[None] * 7, doc.value))
    fields = Fields(tuple(_consignor_fields(doc.consignor, terms=doc.terms,
                                            commission_bp=doc.commission_bp)
                          + [(_("Petugas gerai"), doc.user_name)]))
    blocks: list = [fields, ReportTable(columns, tuple(lines))]
    blocks.append(Note(_("Nilai menurut harga jual {shop}; hak produsen bila semua terjual"
                         " {producer}. Hak produsen dibayar hanya atas barang yang terjual,"
                         " saat penyelesaian.").format(shop=format_rupiah(doc.shop_value),
                                                        producer=format_rupiah(doc.value))))
    if doc.note:
        blocks.append(Note(doc.note, _("Catatan")))
    blocks.append(Note(_("Barang titipan tetap milik penitip sampai terjual.")))
    blocks.append(Signatures(((_("Penitip"), doc.consignor.name),
                              (_("Petugas gerai"), doc.user_name))))
    return Document(_("NOTA TITIP"), tuple(blocks), number=doc.number,
                    period=_when(doc.created_at, settings), landscape=True)


def write_intake_pdf(db: Database, intake_id: str, out, *, printed_by: User) -> Path:
    """The intake slip (nota titip) of ``intake_id`` as an A4 PDF at ``out``."""
    return _write(db, out, lambda: intake_document(db, intake_id), printed_by)


# --- the return slip ----------------------------------------------------------------------


def return_document(db: Database, return_id: str) -> Document:
    doc = consignment_docs.return_document(db, return_id)
    settings = get_settings(db)
    reasons = {line.reason for line in doc.lines}
    own_reasons = reasons - {doc.reason}
    columns = [Column(_("Barang"), weight=NAME), _short(_("Nota titip")), _short(_("Batch")),
               _short(_("Kedaluwarsa")), Column(_("Jumlah"), QTY), _short(_("Satuan")),
               Column(_("Hak produsen per satuan (Rp)"), MONEY),
               Column(_("Nilai hak produsen (Rp)"), MONEY)]
    if own_reasons:      # a line given back for its own reason shows it
        columns.insert(6, Column(_("Alasan"), weight=NAME))
    lines = []
    for line in doc.lines:
        cells = [line.product_name, line.intake_number, line.batch_code, _day(line.expires_on),
                 line.qty, line.unit, line.producer_price, line.value]
        if own_reasons:
            cells.insert(6, line.reason)
        lines.append(data(*cells))
    lines.append(total(_lines_label(len(doc.lines)), *[None] * (len(columns) - 2), doc.value))
    fields = Fields((
        (_("Penitip"), doc.consignor.name), (_("Desa/kelurahan"), doc.consignor.village),
        (_("Telepon"), doc.consignor.phone), (_("Alasan"), doc.reason),
        (_("Petugas gerai"), doc.user_name)))
    blocks = (fields, ReportTable(tuple(columns), tuple(lines)),
              Note(_("Barang di atas dikembalikan kepada penitip dan tidak lagi tercatat di"
                     " gerai. Barang yang dikembalikan tidak dibayar.")),
              Signatures(((_("Diserahkan oleh,\nPetugas gerai"), doc.user_name),
                          (_("Diterima oleh,\nPenitip"), doc.consignor.name))))
    return Document(_("NOTA RETUR TITIPAN"), blocks, number=doc.number,
                    period=_when(doc.created_at, settings), landscape=True)


def write_return_pdf(db: Database, return_id: str, out, *, printed_by: User) -> Path:
    """The return slip (nota retur titipan) of ``return_id`` as an A4 PDF at ``out``."""
    return _write(db, out, lambda: return_document(db, return_id), printed_by)


# --- the settlement slip ------------------------------------------------------------------


def _period(start: date, end: date) -> str:
    return period_text(start, end)


def _paid_detail(payment: consignment_docs.PaymentRow, settings: ShopSettings) -> str:
    parts = [day_text(local_date(payment.at, settings.zone)), pay_method_label(payment.method),
             payment.reference, payment.number]
    return " · ".join(p for p in parts if p)


def settlement_summary(paper: consignment_docs.SettlementPaper, settings: ShopSettings
                       ) -> ReportTable:
    """From what sold to what is still to pay, one line per step, each with where its
    figure comes from (the sum beside its label, not across the page)."""
    s = paper.settlement
    kinds = [line.kind for line in s.lines]
    lines = [data(_("Penjualan kotor"), s.gross, _("{sales} penjualan, {returns} retur pembeli")
                  .format(sales=kinds.count("sale"), returns=kinds.count("sale_return"))),
             data(_("Komisi gerai"), -s.commission,
                  _("penjualan kotor dikurangi hak produsen")),
             subtotal(_("Hak produsen atas penjualan"), s.producer_sales,
                      _("dibayar atas barang yang terjual"))]
    if s.count_charges:
        lines.append(data(_("Selisih hitung ditanggung gerai"), s.count_charges,
                          _("barang titipan yang kurang saat dihitung, dengan harga produsen")))
    lines += [subtotal(_("Jumlah periode ini"), s.due, _period(s.period_from, s.period_to)),
              data(_("Saldo sebelumnya"), s.previous_balance,
                   _("belum dibayar dari nota sebelumnya") if s.previous_balance > 0 else "")]
    lines += [data(_("Dibayar"), -p.amount, _paid_detail(p, settings)) for p in paper.payments]
    if not paper.payments:
        lines.append(data(_("Dibayar"), 0, _("belum ada pembayaran dengan nota ini")))
    lines.append(total(_("Sisa yang harus dibayar"), paper.remaining, ""))
    return ReportTable((_short(_("Ringkasan")), Column(_("Jumlah (Rp)"), MONEY),
                        Column(_("Keterangan"), weight=NAME)), tuple(lines))


def settlement_document(db: Database, settlement_id: str) -> Document:
    """The summary and both signatures first, so they always share page one; the lines
    follow, however many pages they take."""
    paper = consignment_docs.settlement_paper(db, settlement_id)
    s = paper.settlement
    settings = get_settings(db)
    columns = (_short(_("Dokumen")), _short(_("Waktu ({zone})").format(zone=settings.zone)),
               _short(_("Jenis")), Column(_("Barang"), weight=NAME), _short(_("Batch")),
               Column(_("Jumlah"), QTY), _short(_("Satuan")), Column(_("Penjualan (Rp)"), MONEY),
               Column(_("Hak produsen (Rp)"), MONEY))
    lines = [data(line.document, moment_text(line.at, settings.zone),
                  settlement_model.kind_label(line.kind), line.product_name, line.batch_code,
                  line.qty, line.unit, line.gross if line.kind != "count" else None, line.due)
             for line in s.lines]
    lines.append(total(_lines_label(len(s.lines)), None, None, None, None, None, None, s.gross,
                       s.due))
    fields = Fields((
        (_("Penitip"), paper.consignor.name), (_("Desa/kelurahan"), paper.consignor.village),
        (_("Telepon"), paper.consignor.phone), (_("Dibayar lewat"), _payment_to(paper.consignor)),
        (_("Dibuat"), " ".join((moment_text(s.created_at, settings.zone), settings.zone))),
        (_("Oleh"), paper.user_name)), columns=3)
    if paper.paid:   # each side signs for the money that changed hands
        paid = format_rupiah(paper.paid)
        boxes = ((_("Penitip, menerima {amount}").format(amount=paid), paper.consignor.name),
                 (_("Bendahara, membayar {amount}").format(amount=paid), ""))
    else:
        boxes = ((_("Penitip"), paper.consignor.name), (_("Bendahara"), ""))
    details = ReportTable(columns, tuple(lines),
                          caption=AFTER_SIGNATURES + _("Rincian penjualan, retur pembeli dan"
                                                       " selisih hitung"),
                          empty=_("Tidak ada transaksi pada nota ini."))
    blocks = (fields, settlement_summary(paper, settings), Signatures(boxes), details)
    return Document(_("NOTA PENYELESAIAN TITIPAN"), blocks, number=s.number,
                    period=_period(s.period_from, s.period_to), landscape=True)


def write_settlement_pdf(db: Database, settlement_id: str, out, *, printed_by: User) -> Path:
    """The settlement slip of ``settlement_id`` as an A4 PDF at ``out``."""
    return _write(db, out, lambda: settlement_document(db, settlement_id), printed_by)


# --- the consignor's statement ------------------------------------------------------------


def reconciliation_table(db: Database, consignor_id: str) -> ReportTable:
    columns = (Column(_("Barang"), weight=NAME), _short(_("Nota titip")), _short(_("Batch")),
               _short(_("Kedaluwarsa")), _short(_("Satuan")), Column(_("Masuk"), QTY),
               Column(_("Terjual"), QTY), Column(_("Dikembalikan"), QTY),
               Column(_("Selisih hitung"), QTY), Column(_("Seharusnya"), QTY),
               Column(_("Di gerai"), QTY), _short(_("Cocok")))
    lines = []
    for r in consignment_stock.reconcile(db, consignor_id):
        b = r.batch
        lines.append(data(b.product_name, b.intake_number, b.batch_code, _day(b.expires_on),
                          b.unit, r.intake, r.sold, r.returned, r.adjusted, r.expected,
                          b.on_hand, _("ya") if r.ok else _("TIDAK")))
    return ReportTable(columns, tuple(lines),
                       caption=AFTER_SIGNATURES + _("Rekonsiliasi per batch: masuk − terjual −"
                                                    " dikembalikan ± selisih hitung = di gerai"),
                       empty=_("Belum ada barang titipan."))


def statement_document(db: Database, consignor_id: str, date_from=None, date_to=None
                       ) -> Document:
    settings = get_settings(db)
    start, end = day_bounds(db, date_from, date_to)
    account = settlement_model.statement(db, consignor_id, since=start or None, until=end)
    consignor = get_consignor(db, consignor_id)
    columns = (_short(_("Waktu ({zone})").format(zone=settings.zone)), _short(_("Jenis")),
               _short(_("Nomor")), Column(_("Keterangan"), weight=NAME),
               Column(_("Hak produsen (Rp)"), MONEY), Column(_("Dibayar (Rp)"), MONEY),
               Column(_("Saldo (Rp)"), MONEY))
    lines = [data(None, _("Saldo awal"), None, None, None, None, account.opening)]
    owed = paid = 0
    for line in account.lines:
        settled = line.kind == "settlement"
        owed += line.amount if settled else 0
        paid += 0 if settled else -line.amount
        lines.append(data(moment_text(line.at, settings.zone),
                          settlement_model.kind_label(line.kind), line.number, period_text(
                              line.period_from, line.period_to) if line.kind == "settlement"
                          else line.detail,
                          line.amount if settled else None, None if settled else -line.amount,
                          line.balance))
    lines += [
        subtotal(None, _("Saldo akhir"), None, None, owed, paid, account.closing),
        data(None, None, None, _("Terjual belum diselesaikan (sampai saat dicetak)"),
             account.unsettled, None, None),
        total(None, None, None, _("Seluruh hak produsen yang belum dibayar"), None, None,
              account.closing + account.unsettled)]
    movements = ReportTable(columns, tuple(lines), caption=_("Penyelesaian dan pembayaran"))
    fields = Fields(tuple(_consignor_fields(consignor, terms=consignor.terms,
                                            commission_bp=consignor.commission_bp)))
    # The signed account first; the goods' reconciliation follows it, however long.
    blocks = (fields, movements,
              Note(_("Terjual belum diselesaikan: hak produsen atas penjualan (dikurangi retur"
                     " pembeli) yang belum masuk nota penyelesaian.")),
              Signatures(((_("Bendahara,\n{cooperative}").format(
                  cooperative=settings.cooperative_name), ""),
                  (_("Setuju dengan saldo di atas,\n{name}").format(name=consignor.name),
                   ""))),
              reconciliation_table(db, consignor_id))
    return Document(_("KARTU PENITIP"), blocks, number=consignor.name,
                    period=period_text(date_from, date_to), landscape=True)


def write_consignor_statement_pdf(db: Database, consignor_id: str, out, date_from=None,
                                  date_to=None, *, printed_by: User) -> Path:
    """The consignor's account over the shop days ``date_from``..``date_to`` (inclusive;
    ``date`` or ``2026-11-30``; None leaves that side open), what has sold but is not yet
    settled, and the reconciliation of every batch, as an A4 PDF at ``out``."""
    return _write(db, out, lambda: statement_document(db, consignor_id, date_from, date_to),
                  printed_by)
