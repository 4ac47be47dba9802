"""Papers a member is given: the membership card the till scans, and the statement of their
account (bon with its running balance and age, savings by kind).

Cards are ID-1 size (85.6 × 54 mm, a bank card), ten to an A4 sheet with cut marks in the
margins; each carries a Code 128 of the member's card code (their member number when they
have no card), which :func:`app.models.members.find_members` finds at the till.

Personal data (UU 27/2022): a card shows no NIK and no phone; a statement shows the NIK
masked (:attr:`app.models.members.Member.nik_masked`), never in full.

Figures come from :mod:`app.models.member_statement`; this module only arranges them.
Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from app.i18n import _, ngettext
from app.models.clock import day_text, now_iso
from app.models.db import Database
from app.models.errors import UserError
from app.models.member_money import kind_label, method_label
from app.models.member_settings import get_member_settings
from app.models.member_statement import (
    CreditStatement,
    SavingsStatement,
    credit_statement,
    purchases_total,
    savings_statement,
)
from app.models.members import Member, get_member, list_members, status_label
from app.models.money import format_rupiah
from app.models.payables import BUCKETS, bucket_label
from app.models.settings import ShopSettings, get_settings
from app.models.users import User, can, require
from app.reports.document_pdf import Document, Fields, Note, Signatures, fonts, period_text
from app.reports.labels_pdf import _cut, _t, name_lines
from app.reports.money_receipt import month_text
from app.reports.output import check_format, check_target, save_report, write_atomically
from app.reports.tabular import (
    MONEY,
    Column,
    ReportTable,
    data,
    group,
    subtotal,
    total,
)

# --- membership cards -------------------------------------------------------------------

CARD_W, CARD_H = 85.6 * mm, 54 * mm
ACROSS, DOWN = 2, 5
SHEET_LEFT = (A4[0] - ACROSS * CARD_W) / 2
SHEET_TOP = (A4[1] - DOWN * CARD_H) / 2
PAD = 4 * mm
BAND_H = 13 * mm
#: The red of the Merah Putih cooperatives, for the card's top band.
RED = colors.HexColor("#b3122a")
GREY = colors.HexColor("#555555")
#: Cut marks: this long, starting this far outside the cards.
MARK, MARK_GAP = 5 * mm, 1.5 * mm
#: The largest bar a scanner wants (0.33 mm, as on an EAN), and the quiet zone each side.
NOMINAL_MODULE = 0.33 * mm
QUIET_MODULES = 10
BAR_H = 9 * mm


def _require_any(user: User, *permissions: str) -> None:
    if not any(can(user, p) for p in permissions):
        require(user, permissions[0])


def card_code(member: Member) -> str:
    """What the card's barcode holds: the card code, or the member number without one."""
    return member.card_code or member.number


def cards_for(db: Database, member_ids) -> list[Member]:
    """The members to print cards for: the ones named (in that order), or every active
    member when ``member_ids`` is None. Members who left get no card."""
    if member_ids is None:
        chosen = list_members(db, status="active")
        if not chosen:
            raise UserError(_("Belum ada anggota aktif untuk dicetak kartunya."), "member_ids")
        return chosen
    if not isinstance(member_ids, list | tuple) or not all(
            isinstance(i, str) for i in member_ids):
        raise UserError(_("Daftar anggota untuk kartu tidak valid."), "member_ids")
    if not member_ids:
        raise UserError(_("Pilih paling sedikit satu anggota untuk dicetak kartunya."),
                        "member_ids")
    chosen = [get_member(db, i) for i in member_ids]
    gone = [m for m in chosen if m.status == "left"]
    if gone:
        raise UserError(_("{name} sudah keluar dari keanggotaan; kartunya tidak dicetak.")
                        .format(name=gone[0].label), "member_ids")
    return chosen


def _barcode(code: str, width: float) -> Code128:
    """The Code 128 at the largest module up to nominal that fits ``width`` with its quiet
    zones."""
    modules = Code128(code, barWidth=1, quiet=False).width
    module = min(NOMINAL_MODULE, width / (modules + 2 * QUIET_MODULES))
    return Code128(code, barWidth=module, barHeight=BAR_H, quiet=False)


def _draw_card(c: canvas.Canvas, member: Member, settings: ShopSettings, x: float,
               y: float) -> None:
    """One card with its bottom-left corner at (x, y)."""
    f = fonts()
    inner = CARD_W - 2 * PAD
    top = y + CARD_H
    c.saveState()
    outline = c.beginPath()
    outline.roundRect(x, y, CARD_W, CARD_H, 3.18 * mm)
    c.clipPath(outline, stroke=0, fill=0)
    c.setFillColor(RED)
    c.rect(x, top - BAND_H, CARD_W, BAND_H, stroke=0, fill=1)
    c.restoreState()
    c.setStrokeColor(colors.HexColor("#bbbbbb"))
    c.setLineWidth(0.3)
    c.roundRect(x, y, CARD_W, CARD_H, 3.18 * mm, stroke=1, fill=0)

    # The band: the cooperative (one or two lines) and the shop under it.
    c.setFillColor(colors.white)
    lines, size = name_lines(_t(settings.cooperative_name), f.bold, 9, inner)
    baseline = top - 2.2 * mm - size * 0.8
    c.setFont(f.bold, size)
    for line in lines:
        c.drawString(x + PAD, baseline, line)
        baseline -= size * 1.1
    c.setFont(f.regular, 6.5)
    c.drawString(x + PAD, baseline - 0.4, _cut(_t(settings.shop_name), f.regular, 6.5, inner))

    # The heading, with the member number across from it.
    baseline = top - BAND_H - 4.2 * mm
    c.setFillColor(RED)
    c.setFont(f.bold, 9)
    c.drawString(x + PAD, baseline, _t(_("KARTU ANGGOTA")))
    c.setFillColor(colors.black)
    c.setFont(f.bold, 10)
    c.drawRightString(x + CARD_W - PAD, baseline, _t(member.number))

    lines, size = name_lines(_t(member.name), f.bold, 11, inner)
    baseline -= size * 1.35
    c.setFont(f.bold, size)
    for line in lines:
        c.drawString(x + PAD, baseline, line)
        baseline -= size * 1.1
    c.setFillColor(GREY)
    c.setFont(f.regular, 7)
    details = [_("Desa/Kel.: {village}").format(village=member.village)] * bool(member.village)
    if member.joined_on:
        details.append(_("Anggota sejak {day}").format(day=day_text(member.joined_on)))
    baseline += size * 1.1 - 7 * 1.45
    c.drawString(x + PAD, baseline, _cut(_t("  ·  ".join(details)), f.regular, 7, inner))

    code = card_code(member)
    bars = _barcode(code, inner)
    c.setFillColor(colors.black)
    bar_y = y + PAD + 7 * 1.2
    bars.drawOn(c, x + (CARD_W - bars.width) / 2, bar_y)
    c.setFillColor(colors.black)
    c.setFont(f.regular, 7)
    c.drawCentredString(x + CARD_W / 2, y + PAD, _t(code))


def _cut_marks(c: canvas.Canvas) -> None:
    """Short lines in the margins along every cut, so the sheet is cut without a ruler."""
    c.setStrokeColor(colors.black)
    c.setLineWidth(0.3)
    page_h = A4[1]
    top, bottom = page_h - SHEET_TOP, page_h - SHEET_TOP - DOWN * CARD_H
    right = SHEET_LEFT + ACROSS * CARD_W
    for i in range(ACROSS + 1):
        x = SHEET_LEFT + i * CARD_W
        c.line(x, top + MARK_GAP, x, top + MARK_GAP + MARK)
        c.line(x, bottom - MARK_GAP, x, bottom - MARK_GAP - MARK)
    for j in range(DOWN + 1):
        y = top - j * CARD_H
        c.line(SHEET_LEFT - MARK_GAP, y, SHEET_LEFT - MARK_GAP - MARK, y)
        c.line(right + MARK_GAP, y, right + MARK_GAP + MARK, y)


def cards_pdf(members: Sequence[Member], settings: ShopSettings) -> bytes:
    """``members``' cards, ten to a sheet, in reading order."""
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=True)
    c.setTitle(_t(_("Kartu anggota")))
    c.setAuthor(_t(settings.cooperative_name))
    c.setCreator("Gerai")
    per_page = ACROSS * DOWN
    for start in range(0, len(members), per_page):
        _cut_marks(c)
        for n, member in enumerate(members[start:start + per_page]):
            row, column = divmod(n, ACROSS)
            x = SHEET_LEFT + column * CARD_W
            y = A4[1] - SHEET_TOP - (row + 1) * CARD_H
            _draw_card(c, member, settings, x, y)
        c.showPage()
    c.save()
    return out.getvalue()


def write_member_cards(db: Database, out, member_ids: list[str] | None = None, *,
                       printed_by: User) -> Path:
    """Membership cards of ``member_ids`` (None: every active member) on A4 sheets of ten
    at ``out``, for someone who keeps the register or the books."""
    _require_any(printed_by, "report.finance", "member.edit")
    check_target(out)
    chosen = cards_for(db, member_ids)
    return write_atomically(out, cards_pdf(chosen, get_settings(db)))


# --- the statement of account -----------------------------------------------------------


def bon_table(statement: CreditStatement) -> ReportTable:
    columns = (Column(_("Tanggal")), Column(_("No. dokumen")),
               Column(_("Keterangan"), weight=2), Column(_("Bon"), MONEY),
               Column(_("Bayar/kembali"), MONEY), Column(_("Sisa bon"), MONEY))
    first = statement.period.first
    # Open at the start, the account starts at nothing: no opening line to read.
    lines = [data(day_text(first), "", _("Saldo awal"), None, None, statement.opening)
             ] if first else []
    lines += [data(day_text(line.day), line.number, line.description, line.charge or None,
                   line.payment or None, line.balance) for line in statement.lines]
    lines.append(total(_("Total"), "", _("Sisa bon akhir"), statement.charges,
                       statement.payments, statement.closing))
    return ReportTable(columns, tuple(lines), caption=_("Bon (piutang anggota)"),
                       sheet=_("Bon"), empty=_("Tidak ada bon pada periode ini."))


def aging_table(statement: CreditStatement) -> ReportTable:
    columns = (*(Column(bucket_label(b), MONEY) for b in BUCKETS), Column(_("Sisa bon"), MONEY))
    buckets = statement.buckets
    return ReportTable(columns, (data(*(buckets[b] for b in BUCKETS), sum(buckets.values())),),
                       caption=_("Umur sisa bon per {day}").format(
                           day=day_text(statement.period.last)),
                       sheet=_("Umur bon"))


def savings_summary_table(statement: SavingsStatement) -> ReportTable:
    columns = (Column(_("Simpanan"), weight=2), Column(_("Saldo awal"), MONEY),
               Column(_("Setor"), MONEY), Column(_("Tarik"), MONEY),
               Column(_("Saldo akhir"), MONEY))
    accounts = statement.accounts
    lines = [data(kind_label(a.kind), a.opening, a.paid_in, a.paid_out, a.closing)
             for a in accounts]
    lines.append(total(_("Total"), sum(a.opening for a in accounts),
                       sum(a.paid_in for a in accounts), sum(a.paid_out for a in accounts),
                       statement.closing))
    return ReportTable(columns, tuple(lines), caption=_("Saldo simpanan"),
                       sheet=_("Saldo simpanan"))


def savings_lines_table(statement: SavingsStatement) -> ReportTable:
    columns = (Column(_("Tanggal")), Column(_("No. bukti")), Column(_("Bulan")),
               Column(_("Cara bayar")), Column(_("Setor"), MONEY), Column(_("Tarik"), MONEY),
               Column(_("Saldo"), MONEY))
    lines = []
    for account in statement.accounts:
        if not account.lines:
            continue
        lines.append(group(kind_label(account.kind)))
        if statement.period.first:
            lines.append(data(day_text(statement.period.first), "", "", _("Saldo awal"),
                              None, None, account.opening))
        for line in account.lines:
            how = method_label(line.method)
            if line.reference:
                how += f" ({line.reference})"
            lines.append(data(day_text(line.day), line.number, month_text(line.period), how,
                              line.paid_in or None, line.paid_out or None, line.balance))
        lines.append(subtotal(kind_label(account.kind), "", "", "", account.paid_in,
                              account.paid_out, account.closing))
    return ReportTable(columns, tuple(lines), caption=_("Mutasi simpanan"),
                       sheet=_("Mutasi simpanan"),
                       empty=_("Tidak ada setoran atau penarikan simpanan pada periode ini."))


def _member_fields(member: Member) -> Fields:
    pairs = [(_("Anggota"), member.label),
             (_("NIK"), member.nik_masked),
             (_("Desa/Kel."), member.village),
             (_("Anggota sejak"), day_text(member.joined_on)),
             (_("Status"), status_label(member.status)),
             (_("Batas bon"), format_rupiah(member.credit_limit))]
    return Fields(tuple((label, value) for label, value in pairs if value))


def _wajib_note(statement: SavingsStatement, monthly: int) -> Note:
    months = statement.wajib_unpaid
    if not months:
        if not statement.wajib_paid_to:     # joined after the period: nothing due yet
            return Note(_("Belum ada simpanan wajib yang jatuh tempo."))
        return Note(_("Simpanan wajib sudah dibayar sampai {month}.").format(
            month=month_text(statement.wajib_paid_to)))
    shown = ", ".join(month_text(m) for m in months[:12])
    if len(months) > 12:
        shown += ", …"
    return Note(ngettext("Simpanan wajib belum dibayar {n} bulan ({amount}): {months}.",
                         "Simpanan wajib belum dibayar {n} bulan ({amount}): {months}.",
                         len(months)).format(n=len(months),
                                             amount=format_rupiah(len(months) * monthly),
                                             months=shown))


def write_member_statement(db: Database, out, member_id: str, date_from: date | None,
                           date_to: date | None, fmt: str = "pdf", *,
                           printed_by: User) -> Path:
    """Rekening anggota over the period: bon with its running balance and age, savings
    balances and their movements. PDF, XLSX (a sheet per table) or CSV (the bon lines)."""
    _require_any(printed_by, "report.finance", "member.office")
    fmt = check_format(fmt)
    check_target(out)
    credit = credit_statement(db, member_id, date_from, date_to)
    savings = savings_statement(db, member_id, date_from, date_to)
    member, period = credit.member, credit.period
    bought = purchases_total(db, member_id, date_from, date_to)
    tables = (bon_table(credit), aging_table(credit), savings_summary_table(savings),
              savings_lines_table(savings))
    summary = Fields((
        (_("Sisa bon awal"), format_rupiah(credit.opening)),
        (_("Belanja dengan bon"), format_rupiah(credit.charges)),
        (_("Bayar/kembali"), format_rupiah(credit.payments)),
        (_("Sisa bon akhir"), format_rupiah(credit.closing)),
        (_("Jumlah simpanan"), format_rupiah(savings.closing)),
        (_("Belanja bersih"), format_rupiah(bought)),
    ))
    note = Note(_("Bayar/kembali = pembayaran bon, dan bon yang hapus karena barang diretur"
                  " atau struk dibatalkan; pembayaran melunasi bon yang paling lama lebih"
                  " dulu. Belanja bersih = semua belanja anggota pada periode ini dikurangi"
                  " retur dan pembatalan, dasar pembagian SHU jasa usaha."))
    # On paper a row of zeros says nothing: the age of bon only when some is left.
    aging = (tables[1],) if any(credit.buckets.values()) else ()
    document = Document(
        _("REKENING ANGGOTA"),
        (_member_fields(member), summary, tables[0], *aging, tables[2],
         _wajib_note(savings, get_member_settings(db).wajib_amount), tables[3], note,
         Signatures(((_("Bendahara"), printed_by.full_name), (_("Anggota"), member.name)))),
        period=period_text(period.first, period.last), number=member.number)
    return save_report(out, fmt, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=tables)
