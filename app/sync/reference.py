"""Reference packages: the district's HET list and product catalog, sent to its shops.

A reference package is a sync package of kind ``reference``, signed with the district's
Ed25519 key and *not* encrypted (a price list is public), carrying one table: ``het``
([barcode, zone, het, name, unit]) or ``catalog`` ([barcode, name, brand, category,
unit]). Its header says which district, which list, its version and until when it holds.

A shop believes one only when the signature is the district's it enrolled with, the header
names that district, and the version is newer than the one it applied (an older or equal
one is a rollback or a replay). An expired list is still applied, with a warning: a shop's
clock is not to be trusted over the district's signature. Every refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from app.i18n import _
from app.models import hub_store, reference_data, sync_data
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import PackageRefused, UserError
from app.models.money import format_rupiah
from app.models.settings import shop_today
from app.models.users import User, require_acting
from app.sync import keys
from app.sync.package import SUFFIX, read_package, write_package

MAX_VALID_DAYS = 3650
_COLUMNS = {"het": list(reference_data.HET_COLUMNS),
            "catalog": list(reference_data.CATALOG_COLUMNS)}


def _kind(kind) -> str:
    if kind not in reference_data.KINDS:
        raise UserError(_("Jenis referensi harus het atau catalog."), "kind")
    return kind


def reference_name(district: str, kind: str, version: int) -> str:
    return f"{district}-{kind}-v{version}{SUFFIX}"


def export_reference(db: Database, *, kind: str, out, valid_days: int = 90,
                     user: User | None = None) -> Path:
    """Write the next version of the district's ``kind`` list, signed by the district.
    ``out`` is a file or a folder (named ``<district>-<kind>-v<N>.gerai`` there)."""
    hub_store.require_hub(db)
    require_acting(user, "hub.manage")
    kind = _kind(kind)
    if (isinstance(valid_days, bool) or not isinstance(valid_days, int)
            or not 1 <= valid_days <= MAX_VALID_DAYS):
        raise UserError(_("Masa berlaku harus 1–{max} hari.").format(max=MAX_VALID_DAYS),
                        "valid_days")
    rows = reference_data.het_rows(db) if kind == "het" else reference_data.catalog_rows(db)
    if not rows:
        raise UserError(_("Daftar HET dinas masih kosong: muat dulu dengan "
                          "'gerai hub het-load'.") if kind == "het" else
                        _("Katalog dinas masih kosong: impor dulu paket dari gerai."), "kind")
    district = hub_store.district(db)
    version = reference_data.next_version(db, kind)
    header = {"kind": "reference", "district": district, "ref_kind": kind,
              "ref_version": version,
              "valid_until": (shop_today(db) + timedelta(days=valid_days)).isoformat(),
              "epoch": 0, "seq_from": version, "seq_to": version, "prev_hash": "",
              "created_at": now_iso(), "rows": len(rows)}
    if out in (None, "") or not str(out).strip():
        raise UserError(_("Nama berkas paket belum diisi."), "out")
    target = Path(out)
    if target.is_dir():
        target = target / reference_name(district, kind, version)
    signing = keys.load_hub_signing_key(hub_store.hub_setting(db, hub_store.KEY_NAME))

    def record(_data: bytes) -> None:
        reference_data.record_reference_export(db, kind, version, user=user)

    return write_package(target, header=header, tables={kind: {"columns": _COLUMNS[kind],
                                                               "rows": rows}},
                         signing_key=signing, recipient=None, before_rename=record)


@dataclass(frozen=True)
class ReferenceResult:
    kind: str
    version: int
    warnings: list[str] = field(default_factory=list)
    changed: int = 0                    # products whose HET / brand or category changed
    over_cap: list = field(default_factory=list)    # reference_data.OverCap, for the manager
    unknown: int = 0                    # list items this shop does not have
    district: str = ""
    valid_until: str = ""
    detail: object = None               # HetResult or CatalogResult


def _refuse(message: str) -> PackageRefused:
    return PackageRefused(message)


def _checked(header: dict, tables: dict, enrolled) -> tuple[str, int, str, list]:
    """(kind, version, valid_until, rows) of a verified package, or why it is refused."""
    if header.get("kind") != "reference":
        raise _refuse(_("Ini bukan paket referensi dari dinas."))
    if header.get("district") != enrolled.district:
        raise _refuse(_("Paket ini untuk dinas {other}; gerai ini terdaftar di dinas "
                        "{district}.").format(other=header.get("district"),
                                              district=enrolled.district))
    kind, version = header.get("ref_kind"), header.get("ref_version")
    if kind not in reference_data.KINDS:
        raise _refuse(_("Jenis paket referensi tidak dikenal."))
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _refuse(_("Kepala paket tidak sah: {field}.").format(field="ref_version"))
    try:
        valid_until = date.fromisoformat(header.get("valid_until")).isoformat()
    except (TypeError, ValueError):
        raise _refuse(_("Kepala paket tidak sah: {field}.").format(
            field="valid_until")) from None
    if set(tables) != {kind} or tables[kind]["columns"] != _COLUMNS[kind]:
        raise _refuse(_("Isi paket referensi tidak berbentuk {kind}.").format(kind=kind))
    rows = tables[kind]["rows"]
    if header.get("rows") != len(rows):
        raise _refuse(_("Jumlah baris paket tidak cocok dengan kepalanya."))
    problem = reference_data.check_rows(kind, rows)
    if problem:
        raise _refuse(_("Isi paket referensi tidak sah: {problem}.").format(problem=problem))
    return kind, version, valid_until, rows


def import_reference(db: Database, path, *, user: User | None = None) -> ReferenceResult:
    """Apply a reference package from the district this shop enrolled with, or refuse it
    (:class:`PackageRefused`, with the reason) writing nothing."""
    enrolled = sync_data.enrollment(db)
    if enrolled is None:
        raise _refuse(_("Gerai belum terdaftar di dinas: impor dulu kunci dinas "
                        "('gerai sync enroll')."))
    try:
        pub = keys.parse_public_key(enrolled.signing_key)
    except UserError:
        raise _refuse(_("Kunci dinas yang tersimpan rusak; daftar ulang ke dinas.")) from None
    header, tables = read_package(path, trusted_keys={pub.key_id: pub}, identity=None)
    kind, version, valid_until, rows = _checked(header, tables, enrolled)
    applied = reference_data.applied_version(db, kind)
    if version <= applied:
        raise _refuse(_("Versi {version} lebih lama atau sama dengan yang sudah terpasang "
                        "(versi {applied}); paket tidak dipakai.").format(
                            version=version, applied=applied))
    warnings = []
    today = shop_today(db)
    if date.fromisoformat(valid_until) < today:
        warnings.append(_("Paket ini berlaku sampai {until}, sebelum hari ini ({today}) "
                          "menurut jam komputer ini: tetap dipasang; minta yang baru ke "
                          "dinas.").format(until=valid_until, today=today.isoformat()))
    common = {"version": version, "district": enrolled.district, "valid_until": valid_until,
              "user": user}
    try:
        if kind == "het":
            done = reference_data.apply_het(db, rows, **common)
            return ReferenceResult(kind, version, warnings, done.changed, list(done.over_cap),
                                   done.unknown, enrolled.district, valid_until, done)
        done = reference_data.apply_catalog(db, rows, **common)
    except UserError as exc:
        raise _refuse(exc.message) from None
    return ReferenceResult(kind, version, warnings, done.filled, [], len(done.unknown),
                           enrolled.district, valid_until, done)


def describe(result: ReferenceResult) -> list[str]:
    """What the CLI prints and the GUI shows after an import, line by line."""
    if result.kind == "het":
        lines = [_("Daftar HET dinas {district} versi {version} dipasang (zona {zone}, berlaku "
                   "sampai {until}).").format(district=result.district, version=result.version,
                                              zone=result.detail.zone,
                                              until=result.valid_until),
                 _("HET berubah pada {n} produk; {unknown} barang di daftar tidak dijual di "
                   "gerai ini.").format(n=result.changed, unknown=result.unknown)]
        if result.detail.skipped:
            lines.append(_("HET kemasan tidak dipasang (tidak bulat per satuan dasar): "
                           "{codes}.").format(codes=", ".join(result.detail.skipped)))
        if result.over_cap:
            lines.append(_("Harga jual di atas HET — turunkan harganya, kasir tidak dapat "
                           "menjualnya:"))
            lines += [_("  {name} ({unit}): harga {price}, HET {het}").format(
                name=o.name, unit=o.unit, price=format_rupiah(o.price),
                het=format_rupiah(o.het)) for o in result.over_cap]
        else:
            lines.append(_("Semua harga jual sudah sesuai HET."))
    else:
        lines = [_("Katalog dinas {district} versi {version} dipasang.").format(
                     district=result.district, version=result.version),
                 _("Merek/kategori dilengkapi pada {n} produk; {unknown} barang katalog belum "
                   "ada di gerai ini.").format(n=result.changed, unknown=result.unknown)]
    return lines + [_("Peringatan: {warning}").format(warning=w) for w in result.warnings]
