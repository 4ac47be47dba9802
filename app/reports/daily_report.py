"""The treasurer's daily takings (laporan kas harian) on paper and in a spreadsheet.

On paper each day is a section: its takings by payment method, its shifts (sales, then the
drawer against its count), its returns and voids, and the drawer's other cash; a report of
several days ends with the whole period, a line per day. In a spreadsheet every table is one
sheet covering all the days, each row carrying its day, so it can be filtered and summed;
the CSV is the main table, takings by day and method.

Figures come from ``app.models.report_daily``; this module only arranges them. Imports the
domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from app.i18n import _
from app.models.clock import day_text, local, now_iso
from app.models.db import Database
from app.models.money import format_rupiah
from app.models.report_daily import (
    METHODS,
    DailyReport,
    DayTakings,
    Takings,
    daily_report,
    kind_label,
    method_label,
)
from app.models.settings import ShopSettings, get_settings
from app.models.users import User, require
from app.reports.document_pdf import Block, Document, Fields, Note, Signatures, period_text
from app.reports.output import check_format, check_target, save_report
from app.reports.tabular import (
    COUNT,
    MONEY,
    Column,
    Line,
    ReportTable,
    data,
    subtotal,
    total,
)

#: At most this many cashiers get a box of their own to sign.
_CASHIER_BOXES = 3


def weekday(day: date) -> str:
    return (_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"),
            _("Minggu"))[day.weekday()]


def day_heading(day: date) -> str:
    """``Rabu, 25-11-2026``."""
    return f"{weekday(day)}, {day_text(day)}"


def _short(method: str) -> str:
    """A payment method as a column title in the wide tables."""
    return {"cash": _("Tunai"), "qris": _("QRIS"), "transfer": _("Transfer"), "bon": _("Bon"),
            "deposit": _("DP")}[method]


def _time_of(iso: str | None, day: date, zone: str) -> str:
    """A time on the section's day as ``20:15``; on another day with its date too."""
    if not iso:
        return ""
    moment = local(iso, zone)
    return moment.strftime("%H:%M") if moment.date() == day else moment.strftime(
        "%d-%m %H:%M")


def _dated(columns: Sequence[Column], dated: bool) -> tuple[Column, ...]:
    return ((Column(_("Tanggal")),) if dated else ()) + tuple(columns)


def _cells(day: date, dated: bool, *cells) -> tuple:
    return ((day_text(day),) if dated else ()) + cells


def _label(text: str, dated: bool) -> tuple:
    """The first cells of a total line: its label under the first column."""
    return (text, "") if dated else (text,)


# --- takings by payment method --------------------------------------------------------------


def _method_columns(dated: bool) -> tuple[Column, ...]:
    return _dated((Column(_("Cara bayar"), weight=2), Column(_("Penjualan (Rp)"), MONEY),
                   Column(_("Retur/batal (Rp)"), MONEY), Column(_("Bersih (Rp)"), MONEY)),
                  dated)


def _method_lines(takings: Takings, day: date | None, dated: bool) -> list[Line]:
    return [data(*_cells(day, dated, method_label(m.method), m.sales, m.returns, m.net))
            for m in takings.methods]


def _takings_total(takings: Takings, label: str, dated: bool, style=total) -> Line:
    return style(*_label(label, dated), takings.gross, takings.returns, takings.net)


def where_it_is(method: str) -> str:
    """Where the money of a payment method is now: what the treasurer checks it against."""
    return {"cash": _("di laci kasir (lihat kas laci per shift)"),
            "qris": _("masuk rekening lewat QRIS; cocokkan dengan mutasi"),
            "transfer": _("masuk rekening bank; cocokkan dengan mutasi"),
            "bon": _("piutang anggota, belum dibayar"),
            "deposit": _("diterima tunai pada hari pesanan (kas masuk laci)")}[method]


def takings_table(takings: Takings, *, caption: str = "", label: str = "") -> ReportTable:
    """One day's (or the whole period's) takings by payment method, with their sum and
    where each method's money is."""
    columns = (*_method_columns(False), Column(_("Keterangan"), weight=3))
    lines = [data(*line.cells, where_it_is(m.method))
             for line, m in zip(_method_lines(takings, None, False), takings.methods,
                                strict=True)]
    lines.append(total(*_takings_total(takings, label or _("Total"), False).cells, ""))
    return ReportTable(columns, tuple(lines), caption=caption)


def methods_by_day(report: DailyReport) -> ReportTable:
    """The main table: every day's takings by payment method, a row per day and method."""
    several = len(report.days) > 1
    lines: list[Line] = []
    for day in report.days:
        lines += _method_lines(day.takings, day.day, True)
        if several:
            lines.append(_takings_total(day.takings, _("Jumlah {day}").format(
                day=day_text(day.day)), True, subtotal))
    lines.append(_takings_total(report.total, _("Jumlah periode") if several else _("Total"),
                                True))
    return ReportTable(_method_columns(True), tuple(lines), sheet=_("Per cara bayar"))


# --- shifts --------------------------------------------------------------------------------


def _closed_text(shift, day: date, zone: str) -> str:
    return _time_of(shift.summary.shift.closed_at, day, zone) if shift.closed else _(
        "belum ditutup")


def shift_sales_table(days: Sequence[DayTakings], zone: str, *, dated: bool,
                      caption: str = "") -> ReportTable:
    """Each shift's sales: receipts, returns and net takings by method."""
    columns = _dated((
        Column(_("Shift"), weight=1.5), Column(_("Laci")), Column(_("Kasir"), weight=1.5),
        Column(_("Dibuka ({zone})").format(zone=zone)),
        Column(_("Ditutup ({zone})").format(zone=zone)),
        Column(_("Struk"), COUNT), Column(_("Retur/batal"), COUNT),
        *(Column(_("{method} (Rp)").format(method=_short(m)), MONEY) for m in METHODS),
        Column(_("Bersih (Rp)"), MONEY)), dated)
    lines: list[Line] = []
    shifts = [(d.day, s) for d in days for s in d.shifts]
    for day, shift in shifts:
        summary = shift.summary
        lines.append(data(*_cells(
            day, dated, summary.shift.number, summary.shift.till, summary.cashier,
            _time_of(summary.shift.opened_at, day, zone), _closed_text(shift, day, zone),
            summary.sales, summary.returns, *(shift.method(m) for m in METHODS), shift.net)))
    if len(shifts) > 1:
        lines.append(total(*_label(_("Total"), dated), "", "", "", "",
                           sum(s.summary.sales for _d, s in shifts),
                           sum(s.summary.returns for _d, s in shifts),
                           *(sum(s.method(m) for _d, s in shifts) for m in METHODS),
                           sum(s.net for _d, s in shifts)))
    return ReportTable(columns, tuple(lines), caption=caption, sheet=_("Penjualan per shift"),
                       empty=_("Tidak ada shift yang dibuka."))


def drawer_table(days: Sequence[DayTakings], zone: str, *, dated: bool,
                 caption: str = "") -> ReportTable:
    """Each shift's drawer as its Z report has it: float, cash taken on sales and given
    back on returns, cash in and out, what should be there, what was counted and the
    difference. On paper the cashier is in the sales table just above (the page has no room
    for both); a spreadsheet has, and names the cashier beside the difference."""
    cashier = (Column(_("Kasir"), weight=1.5),) if dated else ()
    columns = _dated((
        Column(_("Shift"), weight=1.5), *cashier,
        Column(_("Ditutup ({zone})").format(zone=zone)),
        Column(_("Modal (Rp)"), MONEY), Column(_("Tunai jual (Rp)"), MONEY),
        Column(_("Tunai retur (Rp)"), MONEY),
        Column(_("Kas masuk (Rp)"), MONEY), Column(_("Kas keluar (Rp)"), MONEY),
        Column(_("Seharusnya (Rp)"), MONEY), Column(_("Dihitung (Rp)"), MONEY),
        Column(_("Selisih (Rp)"), MONEY)), dated)
    lines: list[Line] = []
    shifts = [(d.day, s) for d in days for s in d.shifts]
    for day, shift in shifts:
        summary = shift.summary
        lines.append(data(*_cells(
            day, dated, summary.shift.number, *((summary.cashier,) if dated else ()),
            _closed_text(shift, day, zone),
            summary.shift.opening_float, shift.cash_sales, shift.cash_refunds,
            summary.cash_in, -summary.cash_out,
            summary.expected_cash, summary.counted_cash if shift.closed else None,
            summary.over_short if shift.closed else None)))
    if len(shifts) > 1:
        closed = [s for _d, s in shifts if s.closed]
        lines.append(total(*_label(_("Total"), dated), *("",) * (len(cashier) + 1),
                           sum(s.summary.shift.opening_float for _d, s in shifts),
                           sum(s.cash_sales for _d, s in shifts),
                           sum(s.cash_refunds for _d, s in shifts),
                           sum(s.summary.cash_in for _d, s in shifts),
                           -sum(s.summary.cash_out for _d, s in shifts),
                           sum(s.summary.expected_cash for _d, s in shifts),
                           sum(s.summary.counted_cash for s in closed) if closed else None,
                           sum(s.summary.over_short for s in closed) if closed else None))
    return ReportTable(columns, tuple(lines), caption=caption, sheet=_("Kas laci per shift"),
                       empty=_("Tidak ada shift yang dibuka."))


# --- returns and voids; the drawer's other cash ---------------------------------------------


def returns_table(days: Sequence[DayTakings], zone: str, *, dated: bool,
                  caption: str = "") -> ReportTable:
    columns = _dated((
        Column(_("Jam")), Column(_("No. retur/batal"), weight=1.5), Column(_("Jenis")),
        Column(_("Struk asal"), weight=1.5), Column(_("Kasir"), weight=1.2),
        Column(_("Disetujui"), weight=1.2), Column(_("Alasan"), weight=2),
        Column(_("Nilai (Rp)"), MONEY)), dated)
    lines: list[Line] = []
    for day in days:
        for r in day.returned:
            lines.append(data(*_cells(day.day, dated, _time_of(r.created_at, day.day, zone),
                                      r.number, kind_label(r.kind), r.original_number,
                                      r.cashier, r.approved_by, r.reason, r.total)))
    if lines:
        lines.append(total(*_label(_("Total"), dated), "", "", "", "", "", "",
                           sum(r.total for d in days for r in d.returned)))
    return ReportTable(columns, tuple(lines), caption=caption, sheet=_("Retur dan batal"),
                       empty=_("Tidak ada retur atau pembatalan."))


def cash_moves_table(days: Sequence[DayTakings], zone: str, *, dated: bool,
                     caption: str = "") -> ReportTable:
    columns = _dated((
        Column(_("Jam")), Column(_("Shift"), weight=1.5), Column(_("Laci")),
        Column(_("Keterangan"), weight=2.5), Column(_("Oleh"), weight=1.2),
        Column(_("Masuk (Rp)"), MONEY), Column(_("Keluar (Rp)"), MONEY)), dated)
    lines: list[Line] = []
    for day in days:
        for m in day.cash_moves:
            lines.append(data(*_cells(day.day, dated, _time_of(m.created_at, day.day, zone),
                                      m.shift_number, m.till, m.reason, m.user,
                                      m.amount if m.amount > 0 else None,
                                      m.amount if m.amount < 0 else None)))
    if lines:
        lines.append(total(*_label(_("Total"), dated), "", "", "", "",
                           sum(d.cash_in for d in days), -sum(d.cash_out for d in days)))
    return ReportTable(columns, tuple(lines), caption=caption,
                       sheet=_("Kas masuk-keluar lain"),
                       empty=_("Tidak ada uang masuk atau keluar laci di luar penjualan."))


# --- the whole period, a line per day -------------------------------------------------------


def days_table(report: DailyReport, *, caption: str = "") -> ReportTable:
    columns = (Column(_("Tanggal"), weight=1.5), Column(_("Struk"), COUNT),
               Column(_("Retur/batal"), COUNT), Column(_("Penjualan (Rp)"), MONEY),
               Column(_("Retur/batal (Rp)"), MONEY), Column(_("Bersih (Rp)"), MONEY),
               *(Column(_("{method} (Rp)").format(method=_short(m)), MONEY) for m in METHODS),
               Column(_("Selisih kas (Rp)"), MONEY))

    def cells(t: Takings) -> tuple:
        return (t.sales_count, t.returns_count, t.gross, t.returns, t.net,
                *(t.method(m).net for m in METHODS))

    lines = [data(day_heading(d.day), *cells(d.takings), d.over_short) for d in report.days]
    lines.append(total(_("Jumlah periode"), *cells(report.total), report.over_short))
    return ReportTable(columns, tuple(lines), caption=caption, sheet=_("Per hari"))


# --- the document -------------------------------------------------------------------------


def _summary(day: DayTakings) -> Fields:
    t = day.takings
    closed = [s for s in day.shifts if s.closed]
    return Fields((
        (_("Struk penjualan"), str(t.sales_count)),
        (_("Retur/pembatalan"), str(t.returns_count)),
        (_("Penjualan bersih"), format_rupiah(t.net)),
        (_("Uang diterima"), _("{amount} (tunai, QRIS, transfer)").format(
            amount=format_rupiah(t.received))),
        (_("Shift"), _("{n} dibuka, {open} belum ditutup").format(
            n=len(day.shifts), open=len(day.shifts) - len(closed))),
        (_("Selisih kas laci"), format_rupiah(day.over_short) if closed else "–"),
    ), columns=3)


def _day_blocks(day: DayTakings, zone: str, *, heading: bool) -> list[Block]:
    prefix = f"{day_heading(day.day)} — " if heading else ""
    days = (day,)
    return [
        takings_table(day.takings, caption=prefix + _("Penerimaan per cara bayar")),
        _summary(day),
        shift_sales_table(days, zone, dated=False, caption=prefix + _("Penjualan per shift")),
        drawer_table(days, zone, dated=False, caption=prefix + _("Kas laci per shift")),
        returns_table(days, zone, dated=False, caption=prefix + _("Retur dan pembatalan")),
        cash_moves_table(days, zone, dated=False,
                         caption=prefix + _("Uang masuk/keluar laci di luar penjualan")),
    ]


def _signatures(report: DailyReport, printed_by: User) -> Signatures:
    cashiers = list(dict.fromkeys(s.summary.cashier for s in report.shifts))
    if not cashiers or len(cashiers) > _CASHIER_BOXES:
        cashiers = [""]
    boxes = [(_("Kasir"), name) for name in cashiers]
    boxes.append((_("Bendahara"), printed_by.full_name if printed_by.role == "bendahara"
                  else ""))
    return Signatures(tuple(boxes))


def _note() -> Note:
    return Note(_(
        "Angka minus = uang yang keluar (retur, pembatalan, kas keluar). Bersih = penjualan"
        " dikurangi retur dan pembatalan; uang kembali dengan cara bayar semula. Uang"
        " seharusnya di laci = modal + tunai jual + tunai retur + kas masuk + kas keluar,"
        " seperti laporan Z; selisih = dihitung − seharusnya (+ lebih, − kurang)."
        " Shift dicatat pada hari dibuka. Pembayaran ke pemasok dan penitip tidak termasuk"
        " (lihat buku kas)."))


def daily_document(report: DailyReport, settings: ShopSettings, printed_by: User) -> Document:
    several = len(report.days) > 1
    blocks: list[Block] = []
    for day in report.days:
        blocks += _day_blocks(day, settings.zone, heading=several)
    if several:
        blocks += [days_table(report, caption=_("Seluruh periode — per hari")),
                   takings_table(report.total, label=_("Jumlah periode"),
                                 caption=_("Seluruh periode — penerimaan per cara bayar"))]
    blocks += [_note(), _signatures(report, printed_by)]
    period = (period_text(report.date_from, report.date_to) if several
              else day_heading(report.date_from))
    return Document(_("LAPORAN KAS HARIAN"), tuple(blocks), period=period, landscape=True)


def daily_sheets(report: DailyReport, zone: str) -> tuple[ReportTable, ...]:
    """The spreadsheet: the main table first (it is also the CSV), then one sheet for each
    of the paper's other tables, all days together."""
    days = report.days
    sheets = [methods_by_day(report)]
    if len(days) > 1:
        sheets.append(days_table(report))
    return (*sheets, shift_sales_table(days, zone, dated=True),
            drawer_table(days, zone, dated=True), returns_table(days, zone, dated=True),
            cash_moves_table(days, zone, dated=True))


def write_daily(db: Database, out, date_from, date_to, format: str = "pdf", *,
                printed_by: User) -> Path:
    """The takings of the shop's days ``date_from``..``date_to`` (both included) as a PDF,
    a workbook or a CSV of takings by day and payment method."""
    require(printed_by, "report.finance")
    check_format(format)
    check_target(out)
    report = daily_report(db, date_from, date_to)
    settings = get_settings(db)
    return save_report(out, format, settings=settings, printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=daily_document(report, settings,
                                                                     printed_by),
                       sheets=daily_sheets(report, settings.zone))

