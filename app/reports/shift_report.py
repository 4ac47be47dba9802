"""X (interim) and Z (closing) shift reports as printable rows."""

from __future__ import annotations

from app.i18n import _
from app.models.clock import format_local
from app.models.money import format_rupiah
from app.models.settings import ShopSettings
from app.models.shifts import ShiftSummary, method_label
from app.reports.receipt_text import Row, Style, report_rows


def shift_report_rows(summary: ShiftSummary, settings: ShopSettings, *, closing: bool,
                      width: int) -> list[Row]:
    shift = summary.shift
    fields = [(_("Shift"), shift.number), (_("Kasir"), summary.cashier),
              (_("Dibuka"), format_local(shift.opened_at, settings.zone))]
    if shift.closed_at:
        fields.append((_("Ditutup"), format_local(shift.closed_at, settings.zone)))
    rows: list[tuple[str, int | str | None]] = [
        (_("Penjualan"), str(summary.sales)),
        (_("Retur / pembatalan"), str(summary.returns)),
        (_("Penjualan kotor"), summary.gross_sales),
        (_("Uang dikembalikan"), summary.refunds),
        ("-", None),
        (_("Per cara bayar"), None),
    ]
    rows += [(method_label(method), value) for method, value in summary.by_method]
    rows += [("-", None), (_("Modal awal"), shift.opening_float), (_("Kas masuk"), summary.cash_in),
             (_("Kas keluar"), summary.cash_out), (_("Uang tunai seharusnya"),
                                                   summary.expected_cash)]
    if summary.counted_cash is not None:
        rows += [(_("Uang tunai dihitung"), summary.counted_cash),
                 (_("Selisih (lebih + / kurang −)"), summary.over_short)]
    title = _("LAPORAN Z (TUTUP SHIFT)") if closing else _("LAPORAN X (SEMENTARA)")
    return report_rows(cooperative_name=settings.cooperative_name, shop_name=settings.shop_name,
                       address=settings.address, title=title, rows=rows, width=width,
                       fields=fields)


def qris_slip_rows(settings: ShopSettings, payload: str, total: int, width: int) -> list[Row]:
    """The QRIS code on paper, with the amount it asks for."""
    rows = report_rows(cooperative_name=settings.cooperative_name, shop_name=settings.shop_name,
                       address=settings.address, title=_("BAYAR DENGAN QRIS"),
                       rows=[(_("Total"), format_rupiah(total))], width=width)
    return rows + [Row(""), Row(payload, Style(center=True, qr=True))]
