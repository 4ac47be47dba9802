"""``shu``: the SHU (sisa hasil usaha) of a year as the treasurer takes it to the RAT: the
surplus split into the parts of the AD/ART, then what each member receives for their
purchases (jasa usaha) and their simpanan pokok and wajib (jasa modal), signed by the
chair, the treasurer and the supervisor.

PDF: the split, a note on what each pool was shared by and how it was rounded, the
signatures, then the members as the attachment. XLSX: the split and the members, a sheet each. CSV: the members.

Figures come from ``app.models.shu``; this module only arranges them. Percentages are
written in a quantity column (thousandths of a percent, ``12,5``), the kind that shows
up to three decimals on paper and in a spreadsheet alike.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from pathlib import Path

from app.i18n import _, ngettext
from app.models.clock import day_text, now_iso
from app.models.db import Database
from app.models.money import format_rupiah
from app.models.settings import get_settings
from app.models.shu import WHOLE_SHARE, ShuResult, compute_shu
from app.models.shu_settings import basis_label
from app.models.users import User, require
from app.reports.document_pdf import Document, Fields, Note, Signatures
from app.reports.output import check_format, check_target, save_report, write_atomically
from app.reports.tabular import MONEY, QTY, Column, ReportTable, csv_bytes, data, total

#: Basis points to thousandths of a percent (the percent column's unit).
_BP_TO_SHARE = WHOLE_SHARE // 10_000


def period(result: ShuResult) -> str:
    if result.provisional:
        return _("Tahun buku {year} (sementara, sampai {day})").format(
            year=result.year, day=day_text(result.through))
    return _("Tahun buku {year}").format(year=result.year)


def allocation_table(result: ShuResult) -> ReportTable:
    """The surplus over the parts of the AD/ART."""
    columns = (Column(_("Bagian"), weight=2), Column(_("Persen (%)"), QTY),
               Column(_("Jumlah (Rp)"), MONEY), Column(_("Dasar pembagian"), weight=3))
    lines = [data(p.label, p.bp * _BP_TO_SHARE, p.amount, basis_label(p.key))
             for p in result.parts]
    lines.append(total(_("Total"), sum(p.bp for p in result.parts) * _BP_TO_SHARE,
                       sum(p.amount for p in result.parts), ""))
    return ReportTable(columns, tuple(lines), caption=_("Pembagian SHU"),
                       sheet=_("Pembagian SHU"))


def member_table(result: ShuResult) -> ReportTable:
    """Each member's purchases and capital and what they bring; without the capital
    columns when the AD/ART has no jasa modal."""
    modal = result.modal is not None
    columns = (Column(_("No. anggota")), Column(_("Nama anggota"), weight=2),
               Column(_("Desa/Kel."), weight=1.5), Column(_("Belanja (Rp)"), MONEY),
               Column(_("Porsi belanja (%)"), QTY), Column(_("Jasa usaha (Rp)"), MONEY),
               *((Column(_("Simpanan pokok + wajib (Rp)"), MONEY),
                  Column(_("Jasa modal (Rp)"), MONEY)) if modal else ()),
               Column(_("SHU diterima (Rp)"), MONEY))

    def capital(*cells):
        return cells if modal else ()

    lines = [data(m.number, m.name, m.village, m.purchases, m.purchase_share, m.jasa_usaha,
                  *capital(m.capital, m.jasa_modal), m.total) for m in result.members]
    if result.members:
        n = len(result.members)
        lines.append(total(
            _("Total"), ngettext("{n} anggota", "{n} anggota", n).format(n=n), "",
            result.usaha.basis, WHOLE_SHARE if result.usaha.basis else None,
            sum(m.jasa_usaha for m in result.members),
            *capital(sum(m.capital for m in result.members),
                     sum(m.jasa_modal for m in result.members)),
            result.to_members))
    return ReportTable(columns, tuple(lines), caption=_("Lampiran: SHU per anggota"),
                       sheet=_("SHU anggota"),
                       empty=_("Tidak ada anggota dengan belanja atau simpanan pada tahun"
                               " ini."))


def _summary(result: ShuResult) -> Fields:
    source = (_("Laporan hasil usaha gerai") if result.from_books
              else _("Diisi saat laporan dicetak"))
    pairs = [(_("Sisa hasil usaha"), format_rupiah(result.surplus)), (_("Sumber"), source),
             (_("Untuk anggota"), format_rupiah(result.to_members)),
             (_("Anggota penerima"), str(sum(m.total > 0 for m in result.members))),
             (_("Belanja anggota"), format_rupiah(result.usaha.basis))]
    if result.modal is not None:
        pairs.append((_("Pokok + wajib"), format_rupiah(result.modal.basis)))
    return Fields(tuple(pairs), columns=3)


def _rounding(pools) -> str:
    """``Pembulatan: 817 anggota pada jasa usaha, 3 anggota pada jasa modal mendapat Rp1
    lebih ...``: who got the rupiah left over."""
    counts = ", ".join(_("{n} anggota pada {pool}").format(n=pool.extra_rupiah, pool=name)
                       for name, pool in pools)
    return _("Pembulatan: {counts} mendapat Rp1 lebih dari bagian tepatnya yang dibulatkan"
             " ke bawah (pecahan terbesar).").format(counts=counts)


def note_text(result: ShuResult) -> str:
    """What each pool was shared by and how it was rounded, in the treasurer's words."""
    through = day_text(result.through)
    parts = []
    if result.provisional:
        parts.append(_("Tahun buku {year} belum selesai: angka ini sementara, dihitung sampai"
                       " {day}, dan bukan SHU yang dibagi pada RAT.").format(
            year=result.year, day=through))
    if not result.shared:
        parts.append(_("Tahun buku {year} tidak menghasilkan sisa hasil usaha ({amount}):"
                       " tidak ada SHU yang dibagi, dan kerugian tidak dibebankan kepada"
                       " anggota. Daftar anggota hanya menunjukkan belanja dan simpanan"
                       " mereka.").format(year=result.year,
                                          amount=format_rupiah(result.surplus)))
    parts.append(_("Jasa usaha dibagi menurut belanja bersih tiap anggota dari 01-01-{year}"
                   " sampai {day}: penjualan dengan nomor anggota dikurangi retur dan"
                   " pembatalannya; belanja bersih di bawah nol dihitung nol.").format(
        year=result.year, day=through))
    if result.modal is not None:
        parts.append(_("Jasa modal dibagi menurut simpanan pokok dan wajib tiap anggota pada"
                       " akhir {day} (semua setoran dan pengembalian sampai hari itu);"
                       " simpanan sukarela tidak dihitung.").format(day=through))
    if result.shared:
        parts.append(_("Sisa hasil usaha dibagi ke tiap bagian menurut persennya, dan tiap"
                       " pos anggota dibagi dalam rupiah utuh sehingga jumlah bagian anggota"
                       " tepat sama dengan posnya (sisa pecahan sama besar: nomor anggota"
                       " terkecil lebih dulu)."))
        pools = [(_("jasa usaha"), result.usaha)]
        if result.modal is not None:
            pools.append((_("jasa modal"), result.modal))
        paid = [(name, pool) for name, pool in pools if pool.paid]
        if paid:
            parts.append(_rounding(paid))
        parts += [_("Pos {pool} {amount} belum dibagi karena tidak ada anggota yang memiliki"
                    " dasar pembagiannya; RAT yang memutuskan.").format(
            pool=name, amount=format_rupiah(pool.unshared)) for name, pool in pools
            if pool.unshared]
    return "\n".join(parts)


def shu_document(result: ShuResult) -> Document:
    # The page the board signs comes first; the members follow it as its attachment (for
    # a few thousand members, dozens of pages a signature at their end would be lost in).
    blocks = (_summary(result), allocation_table(result),
              Note(note_text(result), _("Dasar perhitungan")),
              Signatures(((_("Ketua"), ""), (_("Bendahara"), ""), (_("Pengawas"), ""))),
              member_table(result))
    title = (_("PERHITUNGAN SHU SEMENTARA") if result.provisional
             else _("PERHITUNGAN PEMBAGIAN SHU"))
    return Document(title, blocks, period=period(result), landscape=True,
                    stamp=_("SEMENTARA") if result.provisional else "")


def write_shu(db: Database, out, year: int, fmt: str = "pdf", *, printed_by: User,
              surplus: int | None = None) -> Path:
    """The SHU of ``year`` (the surplus from the books unless ``surplus`` is given) as a
    PDF, a workbook (the split and the members) or a CSV of the members. Everything is
    checked before a file is written: a refused year leaves none."""
    require(printed_by, "report.finance")
    fmt = check_format(fmt)
    check_target(out)
    result = compute_shu(db, year, surplus=surplus)
    if fmt == "csv":
        return write_atomically(out, csv_bytes([member_table(result)]))
    document = shu_document(result)
    return save_report(out, fmt, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document,
                       sheets=(allocation_table(result), member_table(result)))
