"""``gerai sync …`` (the shop), ``gerai hub …`` (the district office) and ``gerai keys …``.

Each command opens the database, calls app.sync, and says what happened in the user's
language; a refused package or key exits 1 with its reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from app.cli import N_, Group, _db, _open, cli, common_options
from app.i18n import _


def _shop_db(ctx, db_path):
    return _open(_db(db_path, ctx), create=False)


def _with_db(ctx, db_path, job):
    """``job(db)`` on the existing database named by ``--db``, closed whatever happens."""
    db = _shop_db(ctx, db_path)
    try:
        return job(db)
    finally:
        db.close()


@cli.group(cls=Group, help=N_("Sinkronisasi gerai ke dinas: kunci, pendaftaran, paket."))
def sync():
    pass


@sync.command("keygen", help=N_("Buat pasangan kunci tanda tangan gerai.\n\n"
                                "Kunci rahasia disimpan di folder data pengguna, tidak pernah"
                                " di basis data atau paket."))
@common_options
@click.pass_context
def sync_keygen(ctx, db_path):
    from app.sync import keys, shop

    db = _shop_db(ctx, db_path)
    try:
        pub = shop.keygen(db)
        path = keys.secret_path(shop.key_name(db))
        click.echo(shop.public_text(db), nl=False)
    finally:
        db.close()
    click.echo(_("Sidik jari: {fp}").format(fp=keys.fingerprint(pub)))
    click.echo(_("Kunci rahasia: {path}").format(path=path))


@sync.command("pubkey", help=N_("Tulis kunci publik gerai untuk didaftarkan di dinas."))
@common_options
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas atau folder tujuan."))
@click.pass_context
def sync_pubkey(ctx, db_path, out):
    from app.sync import keys, shop

    db = _shop_db(ctx, db_path)
    try:
        path = shop.write_public(db, out)
        fp = keys.fingerprint(shop.public_key(db))
    finally:
        db.close()
    click.echo(_("Kunci publik ditulis ke {path} (sidik jari {fp}).").format(path=path, fp=fp))


@sync.command("enroll", help=N_("Daftarkan gerai ke dinas dengan kunci publik dinas."))
@common_options
@click.option("--district-key", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas kunci publik dinas (district.pub)."))
@click.pass_context
def sync_enroll(ctx, db_path, district_key):
    from app.sync import keys, shop

    pub = _with_db(ctx, db_path, lambda db: shop.enroll(db, district_key))
    click.echo(_("Terdaftar ke dinas {district} (sidik jari {fp}).").format(
        district=pub.district, fp=keys.fingerprint(pub.signing)))


@sync.command("export", help=N_("Tulis paket sinkronisasi berisi yang baru sejak paket lalu.\n\n"
                                "Ditulis dengan nama sementara, dibaca ulang dan diperiksa,"
                                " baru diberi nama akhir."))
@common_options
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas paket, atau folder (mis. flashdisk)."))
@click.option("--full", is_flag=True, help=N_("Kirim ulang semuanya."))
@click.pass_context
def sync_export(ctx, db_path, out, full):
    from app.sync import shop

    done = _with_db(ctx, db_path, lambda db: shop.export(db, out, full=full))
    h = done.header
    click.echo(_("Paket {seq} (masa {epoch}) ditulis: {path}, {rows} baris.").format(
        seq=h["seq_to"], epoch=h["epoch"], path=done.path, rows=done.rows))
    click.echo(_("Paket diperiksa; aman dicabut."))


@sync.command("status", help=N_("Tampilkan kunci, pendaftaran dan paket terakhir gerai."))
@common_options
@click.pass_context
def sync_status(ctx, db_path):
    from app.models import sync_data
    from app.models.backup import current_epoch
    from app.sync import keys, shop

    db = _shop_db(ctx, db_path)
    try:
        key = keys.fingerprint(shop.public_key(db)) if shop.has_key(db) else _("belum ada")
        enrolled = sync_data.enrollment(db)
        seq, _hash = sync_data.last_export(db)
        lines = [_("Gerai: {code} ({id})").format(code=sync_data.shop_code(db),
                                                  id=sync_data.shop_id(db)),
                 _("Kunci: {key}").format(key=key),
                 _("Dinas: {district}").format(district=enrolled.district if enrolled
                                               else _("belum terdaftar")),
                 _("Masa: {epoch}; paket terakhir: {seq}").format(epoch=current_epoch(db),
                                                                   seq=seq),
                 _("Perubahan belum terkirim: {n}").format(n=sync_data.pending_changes(db))]
    finally:
        db.close()
    for line in lines:
        click.echo(line)


@sync.command("het-zone",
              help=N_("Tetapkan zona HET gerai (I, II atau III) untuk daftar HET dinas."))
@common_options
@click.argument("zone", type=click.Choice(["I", "II", "III"]))
@click.pass_context
def sync_het_zone(ctx, db_path, zone):
    from app.models import reference_data

    zone = _with_db(ctx, db_path, lambda db: reference_data.set_het_zone(db, zone, user=None))
    click.echo(_("Zona HET gerai: {zone}. Berlaku untuk daftar HET berikutnya.").format(
        zone=zone))


@sync.group("reference", cls=Group, help=N_("Paket rujukan dari dinas (HET, katalog)."))
def sync_reference():
    pass


@sync_reference.command("import", help=N_("Terapkan paket rujukan dari dinas."))
@common_options
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def sync_reference_import(ctx, db_path, file):
    from app.sync import reference

    result = _with_db(ctx, db_path, lambda db: reference.import_reference(db, file))
    for line in reference.describe(result):
        click.echo(line)


# -- the hub ----------------------------------------------------------------------------

@cli.group(cls=Group, help=N_("Kantor dinas: daftarkan gerai, impor paket, laporan kabupaten."))
def hub():
    pass


@hub.command("init", help=N_("Jadikan basis data ini basis data dinas dan buat kunci dinas."))
@common_options
@click.option("--district", default="DINAS", show_default=True,
              help=N_("Kode dinas, mis. LAMSEL."))
@click.pass_context
def hub_init(ctx, db_path, district):
    from app.sync import hub as hubs
    from app.sync import keys

    db = _open(_db(db_path, ctx))
    try:
        pub = hubs.init(db, district=district)
    finally:
        db.close()
    click.echo(_("Basis data dinas {district} siap; sidik jari kunci dinas {fp}.").format(
        district=pub.district, fp=keys.fingerprint(pub.signing)))


@hub.command("pubkey", help=N_("Tulis kunci publik dinas untuk gerai-gerai."))
@common_options
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas atau folder tujuan."))
@click.pass_context
def hub_pubkey(ctx, db_path, out):
    from app.sync import hub as hubs

    path = _with_db(ctx, db_path, lambda db: hubs.write_public(db, out))
    click.echo(_("Kunci publik dinas ditulis ke {path}.").format(path=path))


@hub.command("register", help=N_("Daftarkan kunci publik sebuah gerai dengan kodenya."))
@common_options
@click.option("--shop-key", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas kunci publik gerai."))
@click.option("--code", required=True, help=N_("Kode gerai, mis. KDMP017."))
@click.option("--name", default="", help=N_("Nama gerai."))
@click.pass_context
def hub_register(ctx, db_path, shop_key, code, name):
    from app.sync import hub as hubs
    from app.sync import keys

    pub = _with_db(ctx, db_path, lambda db: hubs.register(db, shop_key, code=code, name=name))
    click.echo(_("Gerai {code} terdaftar (sidik jari {fp}).").format(
        code=code.strip().upper(), fp=keys.fingerprint(pub)))


def import_lines(results) -> list[str]:
    """One line per file and a closing count, as the hub page shows them."""
    from app.sync.hub import kind_label, tally

    lines = []
    for r in results:
        counts = ""
        if r.outcome is not None and r.applied:
            counts = " " + _("(baru {new}, sudah ada {present})").format(
                new=r.outcome.rows_new, present=r.outcome.rows_present)
        lines.append(f"{r.file}: {kind_label(r.kind)} — {r.message}{counts}")
    done = tally(results)
    lines.append(_("{n} berkas: {applied} diterapkan, {dup} duplikat, {refused} ditolak.").format(
        n=done.files, applied=done.applied, dup=done.duplicate, refused=done.refused))
    return lines


@hub.command("import", help=N_("Impor paket gerai (berkas atau folder).\n\n"
                               "Tiap paket diperiksa tanda tangannya sebelum dibuka, lalu"
                               " ditulis dalam satu transaksi atau ditolak dengan alasannya."))
@common_options
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--accept-fork", is_flag=True,
              help=N_("Terima paket bercabang (gerai dipulihkan dari cadangan)."))
@click.pass_context
def hub_import(ctx, db_path, files, accept_fork):
    from app.sync import hub as hubs

    results = _with_db(ctx, db_path, lambda db:
                       hubs.import_files(db, files, accept_fork=accept_fork))
    for line in import_lines(results):
        click.echo(line)
    from app.sync.hub import tally

    if tally(results).refused:
        raise click.exceptions.Exit(1)


@hub.command("shops", help=N_("Daftar gerai terdaftar dan paket terakhirnya."))
@common_options
@click.pass_context
def hub_shops(ctx, db_path):
    from app.models import hub_store

    db = _shop_db(ctx, db_path)
    try:
        hub_store.require_hub(db)
        rows = hub_store.shops(db)
    finally:
        db.close()
    for s in rows:
        last = (_("masa {epoch}, paket {seq}, dibuat {at}").format(
            epoch=s["epoch"], seq=s["last_seq"], at=s["last_package_at"])
            if s["last_seq"] else _("belum ada paket"))
        click.echo(f"{s['code']}  {s['name'] or '-'}  {last}")


@hub.command("gaps", help=N_("Terima atau tolak paket yang datang dengan celah urutan."))
@common_options
@click.option("--allow/--refuse", required=True, help=N_("Terima (dengan peringatan) atau tolak."))
@click.pass_context
def hub_gaps(ctx, db_path, allow):
    from app.models import hub_store

    db = _shop_db(ctx, db_path)
    try:
        hub_store.require_hub(db)
        hub_store.set_allow_gaps(db, allow, user=None)
    finally:
        db.close()
    click.echo(_("Paket dengan celah sekarang diterima dengan peringatan.") if allow
               else _("Paket dengan celah sekarang ditolak sampai yang hilang datang."))


@hub.group("reference", cls=Group, help=N_("Paket rujukan untuk gerai (HET, katalog)."))
def hub_reference():
    pass


@hub_reference.command("export", help=N_("Tulis paket rujukan bertanda tangan dinas."))
@common_options
@click.option("--kind", type=click.Choice(["het", "catalog"]), required=True,
              help=N_("het (daftar HET) atau catalog (katalog produk)."))
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas atau folder tujuan."))
@click.option("--valid-days", type=click.IntRange(1, 3660), default=90, show_default=True,
              help=N_("Berlaku berapa hari."))
@click.pass_context
def hub_reference_export(ctx, db_path, kind, out, valid_days):
    from app.sync import reference

    path = _with_db(ctx, db_path, lambda db:
                       reference.export_reference(db, kind=kind, out=out, valid_days=valid_days))
    click.echo(_("Paket rujukan ditulis ke {path}.").format(path=path))


@hub.command("het-load", help=N_("Muat daftar HET dinas dari CSV/XLSX."))
@common_options
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def hub_het_load(ctx, db_path, file):
    from app.models import reference_data

    count = _with_db(ctx, db_path, lambda db: reference_data.load_het(db, file, user=None))
    click.echo(_("{n} baris HET dimuat.").format(n=count))


@hub.command("report", help=N_("Cetak laporan kabupaten ke PDF, XLSX atau CSV.\n\n"
                               "NAMA: shops (gerai dan paket terakhirnya), sales (penjualan per"
                               " gerai, bulan dan kategori), members (anggota dan simpanan),"
                               " consignment (titipan dan UMKM per desa dan produsen),"
                               " program-goods (barang program dibanding HET), program-stock"
                               " (stok barang program), simkopdes (XLSX + folder CSV)."))
@common_options
@click.argument("name")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help=N_("Tanggal awal (TTTT-BB-HH)."))
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help=N_("Tanggal akhir (TTTT-BB-HH), ikut dihitung."))
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "csv"]), default="pdf",
              show_default=True, help=N_("Format berkas."))
@click.option("--out", type=click.Path(path_type=Path), required=True, help=N_("Berkas tujuan."))
@click.pass_context
def hub_report(ctx, db_path, name, date_from, date_to, fmt, out):
    from app.cli import _period
    from app.reports import hub_reports

    if name not in hub_reports.HUB_REPORTS:
        raise click.UsageError(_("Laporan dinas tidak dikenal: {name}. Pilihan: {names}.").format(
            name=name, names=", ".join(hub_reports.HUB_REPORTS)))
    start, end = _period(date_from, date_to, required=True)
    path = _with_db(ctx, db_path, lambda db: hub_reports.write_hub_report(
        db, name, start=start, end=end, fmt=fmt, out=out))
    click.echo(_("Laporan ditulis ke {path}.").format(path=path))


# -- the personal-data key ----------------------------------------------------------------

@cli.group("keys", cls=Group,
           help=N_("Kunci data pribadi anggota: simpan dan pulihkan dengan sandi."))
def keys_group():
    pass


def _passphrase(confirm: bool) -> str:
    return os.environ.get("GERAI_KEY_PASSPHRASE") or click.prompt(
        _("Kata sandi berkas kunci"), hide_input=True, confirmation_prompt=confirm, err=True)


@keys_group.command("export", help=N_("Simpan kunci data pribadi, tersandi dengan kata sandi."))
@common_options
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help=N_("Folder atau berkas tujuan."))
@click.pass_context
def keys_export(ctx, db_path, out):
    from app.sync import key_backup

    path = _with_db(ctx, db_path, lambda db:
                       key_backup.export_personal_key(db, out, _passphrase(True)))
    click.echo(_("Kunci data pribadi disimpan tersandi di {path}.").format(path=path))


@keys_group.command("import", help=N_("Pulihkan kunci data pribadi dari berkas tersandi."))
@common_options
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def keys_import(ctx, db_path, file):
    from app.sync import key_backup

    restored = _with_db(ctx, db_path, lambda db:
                       key_backup.import_personal_key(db, file, _passphrase(False)))
    click.echo(restored.message)
