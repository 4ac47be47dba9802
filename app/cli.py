"""The command line: each command opens the database, calls the domain, reports in the
user's language. Exit 0 on success, 1 when input is refused or a check fails, 2 on usage."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
import platformdirs

from app import __version__
from app.cli_reports import REPORT_KINDS, REPORTS, ReportRequest
from app.i18n import _, language_from_argv, set_language
from app.models.errors import UserError


def N_(text: str) -> str:
    """Marks help text for the catalog; it is translated when shown (the language is
    chosen from the command line after this module is imported)."""
    return text


class _TranslatedHelp:
    def _translated(self):
        saved = [(self, self.help)] + [(p, p.help) for p in self.params if getattr(p, "help", None)]
        for owner, text in saved:
            owner.help = _(text) if text else text
        return saved

    def format_help(self, ctx, formatter):
        saved = self._translated()
        try:
            super().format_help(ctx, formatter)
        finally:
            for owner, text in saved:
                owner.help = text

    def get_short_help_str(self, limit: int = 45) -> str:
        saved = self.help
        self.help = _(saved) if saved else saved
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = saved


class Command(_TranslatedHelp, click.Command):
    pass


class Group(_TranslatedHelp, click.Group):
    command_class = Command
    group_class = type


def default_db_path() -> Path:
    env = os.environ.get("GERAI_DB")
    if env:
        return Path(env)
    return platformdirs.user_data_path("gerai", appauthor=False) / "gerai.db"


def common_options(fn):
    """``--db`` and ``--lang`` on every command (the language is set before parsing)."""
    fn = click.option("--lang", type=click.Choice(["id", "en"]),
                      help=N_("Bahasa pesan: id (Indonesia) atau en (Inggris)."),
                      expose_value=False, is_eager=True)(fn)
    fn = click.option("--db", "db_path", type=click.Path(path_type=Path),
                      default=None, help=N_("Berkas basis data gerai."))(fn)
    return fn


def _db(db_path: Path | None, ctx: click.Context | None = None) -> Path:
    if db_path is None and ctx is not None and ctx.obj:
        db_path = ctx.obj.get("db_path")
    return db_path or default_db_path()


@contextmanager
def _new_shop_file(path: Path, existed: bool):
    """Open ``path`` to fill it; if filling is refused, a file this made is removed again."""
    db = _open(path)
    try:
        yield db
    except BaseException:
        db.close()
        if not existed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    db.close()


def _open(db_path: Path, **kw):
    from app.models.db import open_db

    return open_db(db_path, **kw)


@click.group(cls=Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Gerai: sistem toko luring untuk gerai koperasi desa.\n\n"
                     "Tanpa perintah, membuka jendela program."))
@click.version_option(__version__, prog_name="gerai", message="%(prog)s %(version)s",
                      help=N_("Tampilkan versi lalu keluar."))
@common_options
@click.option("--first-paint-probe", is_flag=True, hidden=True)
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, first_paint_probe: bool) -> None:
    ctx.obj = {"db_path": db_path}
    if ctx.invoked_subcommand is None:
        from app.ui.app import run_gui

        raise click.exceptions.Exit(run_gui(_db(db_path), probe=first_paint_probe))


@cli.command(help=N_("Buat gerai demo di basis data yang masih kosong."))
@common_options
@click.option("--days", type=click.IntRange(0, 3660), default=30, show_default=True,
              help=N_("Jumlah hari riwayat."))
@click.option("--products", type=click.IntRange(1, 200_000), default=500, show_default=True,
              help=N_("Jumlah produk (sembako nyata dulu, lalu barang buatan)."))
@click.option("--seed", type=click.IntRange(0, 2**31), default=1, show_default=True,
              help=N_("Benih acak: benih yang sama memberi gerai yang sama."))
@click.option("--if-missing", is_flag=True,
              help=N_("Tidak melakukan apa-apa bila basis data sudah ada."))
@click.option("--quotas/--no-quotas", default=True, show_default=True,
              help=N_("Kuota per anggota untuk beras SPHP dan LPG 3 kg."))
@click.pass_context
def demo(ctx, db_path, days, products, seed, if_missing, quotas):
    from app.models.demo import build_demo

    path = _db(db_path, ctx)
    existed = path.exists()
    if if_missing and existed:
        click.echo(_("Basis data sudah ada: {path}").format(path=path), err=True)
        return
    with _new_shop_file(path, existed) as db:
        result = build_demo(db, products=products, days=days, seed=seed,
                            program_quotas=quotas)
        db.checkpoint("TRUNCATE")
    click.echo(_("Gerai demo dibuat: {products} produk, {users} pengguna, {days} hari riwayat"
                 " dengan {sales} penjualan di {path}").format(
        products=result.products, users=result.users, days=result.days, sales=result.sales,
        path=path))


@cli.command(help=N_("Siapkan gerai baru di basis data kosong: data gerai dan admin pertama."))
@common_options
@click.option("--cooperative", required=True, help=N_("Nama koperasi."))
@click.option("--shop-name", required=True, help=N_("Nama gerai."))
@click.option("--shop-code", required=True, help=N_("Kode gerai, mis. KDMP017."))
@click.option("--address", default="", help=N_("Alamat gerai."))
@click.option("--zone", type=click.Choice(["WIB", "WITA", "WIT"]), default="WIB",
              show_default=True, help=N_("Zona waktu gerai."))
@click.option("--admin", "username", default="admin", show_default=True,
              help=N_("Nama pengguna admin pertama."))
@click.option("--admin-name", required=True, help=N_("Nama lengkap admin pertama."))
@click.pass_context
def init(ctx, db_path, cooperative, shop_name, shop_code, address, zone, username, admin_name):
    from app.models.settings import ShopSettings
    from app.models.shop import setup_shop

    path = _db(db_path, ctx)
    secret = click.prompt(_("Kata sandi admin"), hide_input=True,
                          confirmation_prompt=_("Ulangi kata sandi"), err=True)
    with _new_shop_file(path, path.exists()) as db:
        setup_shop(db, settings=ShopSettings(
            cooperative_name=cooperative, shop_name=shop_name, shop_code=shop_code.upper(),
            address=address, zone=zone), username=username, full_name=admin_name, secret=secret)
    click.echo(_("Gerai {code} siap di {path}. Masuk sebagai {user}.").format(
        code=shop_code, path=path, user=username))


@cli.command(help=N_("Periksa basis data: keutuhan SQLite, saldo = mutasi, rantai audit."))
@common_options
@click.pass_context
def check(ctx, db_path):
    from app.models.check import run_checks

    db = _open(_db(db_path, ctx), create=False)
    try:
        results = run_checks(db)
    finally:
        db.close()
    for result in results:
        mark = "OK" if result.ok else _("GAGAL")
        click.echo(f"[{mark}] {result.name}: {result.detail}")
    if not all(r.ok for r in results):
        click.echo(_("Pemeriksaan menemukan masalah."), err=True)
        raise click.exceptions.Exit(1)


@cli.command(help=N_("Cadangkan basis data ke berkas atau folder.\n\n"
                     "Dengan API cadangan SQLite, diperiksa sebelum diberi nama akhir. --out"
                     " berkas, atau folder untuk cadangan bergilir."))
@common_options
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas cadangan, atau folder (nama dibuat, yang lama dibuang)."))
@click.option("--keep", type=click.IntRange(1, 1000), default=14, show_default=True,
              help=N_("Berapa cadangan disimpan di folder."))
@click.pass_context
def backup(ctx, db_path, out, keep):
    from app.models import backup as backups

    db = _open(_db(db_path, ctx), create=False)
    try:
        if out.is_dir():
            result = backups.backup_to_folder(db, out, keep=keep)
        else:
            result = backups.backup(db, out)
    finally:
        db.close()
    click.echo(_("Cadangan tersimpan dan diperiksa: {path} ({size} KB).").format(
        path=result.path, size=max(result.size // 1024, 1)))
    for old in result.removed:
        click.echo(_("Cadangan lama dibuang: {path}").format(path=old))


@cli.command(help=N_("Pulihkan basis data dari berkas cadangan.\n\n"
                     "Basis data yang sekarang disimpan di sampingnya, dan sinkronisasi mulai"
                     " epoch baru."))
@common_options
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help=N_("Jangan tanya lagi."))
@click.pass_context
def restore(ctx, db_path, file, yes):
    from app.models import backup as backups

    target = _db(db_path, ctx)
    backups.verify_backup(file)
    if not yes:
        click.confirm(_("Ganti basis data {db} dengan cadangan {file}?").format(
            db=target, file=file), abort=True)
    kept, epoch = backups.restore(target, file)
    if kept:
        click.echo(_("Basis data sebelumnya disimpan di {path}.").format(path=kept))
    click.echo(_("Dipulihkan dari {file}; epoch sinkronisasi sekarang {epoch}.").format(
        file=file, epoch=epoch))


@cli.group(cls=Group, help=N_("Log audit yang tahan ubah."))
def audit():
    pass


@audit.command("verify", help=N_("Periksa rantai hash log audit; menyebut baris pertama yang"
                                 " rusak."))
@common_options
@click.pass_context
def audit_verify(ctx, db_path):
    from app.models import audit as audit_log
    from app.models.check import audit_summary

    db = _open(_db(db_path, ctx), create=False)
    try:
        chain = audit_log.verify(db)
    finally:
        db.close()
    click.echo(_("Log audit: {summary}").format(summary=audit_summary(chain)))
    if not chain.ok:
        raise click.exceptions.Exit(1)


@cli.group(cls=Group, help=N_("Katalog produk: impor dari CSV/XLSX, ekspor ke CSV/XLSX."))
def catalog():
    pass


@catalog.command("import", help=N_(
    "Impor produk dari CSV atau XLSX: semua baris, atau tidak satu pun.\n\n"
    "Bila ada masalah, tidak ada yang disimpan dan setiap masalah disebut dengan baris dan"
    " kolomnya. Kolom wajib: nama, satuan, harga."))
@common_options
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True,
              help=N_("Hanya periksa dan tampilkan pratinjau; tidak menyimpan apa pun."))
@click.option("--user", "username",
              help=N_("Pengguna yang mengimpor (manajer atau admin); PIN/kata sandi ditanyakan."))
@click.pass_context
def catalog_import(ctx, db_path, file, dry_run, username):
    from app.models.catalog_file import import_catalog, read_catalog
    from app.models.errors import ValidationError
    from app.models.users import authenticate

    if not dry_run and not username:
        raise click.UsageError(_("Sebutkan --user untuk mengimpor, atau --dry-run untuk"
                                 " memeriksa saja."))
    db = _open(_db(db_path, ctx), create=False)
    try:
        preview = read_catalog(file, db)
        _show_preview(preview, rows=dry_run)
        if preview.problems:
            _refuse_import(preview.problems)
        if dry_run:
            click.echo(_("Uji coba: berkas siap diimpor; tidak ada yang disimpan."))
            return
        secret = click.prompt(_("PIN atau kata sandi {user}").format(user=username),
                              hide_input=True, err=True)
        user = authenticate(db, username=username, secret=secret)
        try:
            done = import_catalog(db, user=user, path=file)
        except ValidationError as e:
            _refuse_import(e.problems)
    finally:
        db.close()
    click.echo(_("{n} produk diimpor dari {name}.").format(n=len(done.rows), name=done.name))


def _show_preview(preview, *, rows: bool) -> None:
    from app.models.money import format_qty, format_rupiah

    click.echo(_("{name} ({format}): {products} produk, {units} kemasan, {codes} barcode,"
                 " {stocked} dengan stok awal senilai {value}.").format(
        name=preview.name, format=preview.format.upper() or "-", products=len(preview.rows),
        units=preview.unit_count, codes=preview.barcode_count, stocked=preview.stocked_count,
        value=format_rupiah(preview.stock_value)))
    if preview.ignored:
        click.echo(_("Kolom diabaikan: {columns}").format(columns=", ".join(preview.ignored)))
    if rows:
        for row in preview.first_rows:
            item = row.item
            click.echo(f"{row.row:>6}  {item.name[:40]:<40} {item.base_unit:<8}"
                       f" {format_rupiah(item.price):>12} {format_qty(item.opening_stock):>10}")


def _refuse_import(problems) -> None:
    from app.models.catalog_file import format_problem

    for problem in problems:
        click.echo(format_problem(problem), err=True)
    rows = len({p.row for p in problems if p.row is not None})
    click.echo(_("Impor ditolak: {n} masalah di {rows} baris; tidak ada yang disimpan.").format(
        n=len(problems), rows=rows), err=True)
    raise click.exceptions.Exit(1)


@catalog.command("export", help=N_(
    "Ekspor produk yang dijual ke CSV atau XLSX.\n\n"
    "Kolomnya sama dengan impor, jadi berkasnya dapat diimpor ke gerai lain."))
@common_options
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas tujuan (.csv atau .xlsx)."))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]),
              help=N_("Format berkas; bila tidak disebut, dari akhiran nama berkas."))
@click.pass_context
def catalog_export(ctx, db_path, out, fmt):
    from app.models.catalog_file import export_catalog

    db = _open(_db(db_path, ctx), create=False)
    try:
        count = export_catalog(db, out, fmt)
    finally:
        db.close()
    click.echo(_("{n} produk ditulis ke {path}.").format(n=count, path=out))


def _login(db, username: str):
    """The user a report is printed by: PIN or password from GERAI_PIN or asked for."""
    from app.models.users import authenticate

    secret = os.environ.get("GERAI_PIN") or click.prompt(
        _("PIN atau kata sandi {user}").format(user=username), hide_input=True, err=True)
    return authenticate(db, username=username, secret=secret)


def _period(date_from, date_to, *, required: bool):
    from app.models.errors import UserError

    if required and (date_from is None or date_to is None):
        raise click.UsageError(_("Laporan ini perlu --from dan --to (TTTT-BB-HH)."))
    start = date_from.date() if date_from else None
    end = date_to.date() if date_to else None
    if start and end and start > end:
        raise UserError(_("Periode terbalik: --from {start} sesudah --to {end}.").format(
            start=start.isoformat(), end=end.isoformat()), "from")
    return start, end


@cli.command(help=N_(
    "Cetak laporan ke PDF, XLSX atau CSV.\n\n"
    "NAMA: stock (nilai persediaan), low-stock, stock-card (--product), near-expiry (--days),"
    " susut, program-goods, po (--number, PDF), supplier-statement (--supplier, PDF),"
    " consignment (titipan per penitip), consignment-intake / consignment-return /"
    " consignment-settlement (--number, PDF), consignor-statement (--consignor, PDF),"
    " labels (label harga untuk nota titip --number, PDF), retail-ready (kesiapan toserba),"
    " retail-catalog (XLSX/CSV dengan foto), flagship (produk unggulan lokal), daily (kas"
    " harian), monthly, margin, ar-aging (bon anggota, per --to), ap-aging (utang pemasok dan"
    " penitip, per --to), member-cards (kartu anggota, --member atau semua), member-statement"
    " (--member), shu (--year), cashbook (buku kas), bankbook (buku bank), phu (hasil usaha),"
    " neraca (per --to), trial-balance (neraca saldo), journal (jurnal dan biaya), simkopdes"
    " (XLSX + CSV per tabel), bank-recon (--statement CSV mutasi rekening)."))
@common_options
@click.argument("name", type=click.Choice(REPORTS))
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]),
              help=N_("Tanggal awal (TTTT-BB-HH)."))
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]),
              help=N_("Tanggal akhir (TTTT-BB-HH), ikut dihitung."))
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "csv"]), default=None,
              help=N_("Format berkas (bawaan: pdf, atau xlsx bila laporan tanpa PDF)."))
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help=N_("Berkas tujuan."))
@click.option("--user", "username", required=True,
              help=N_("Pengguna yang mencetak; PIN/kata sandi ditanyakan (atau GERAI_PIN)."))
@click.option("--product", help=N_("Barcode atau nama persis produk (stock-card)."))
@click.option("--supplier", help=N_("Nama pemasok (supplier-statement)."))
@click.option("--consignor", help=N_("Nama penitip (consignor-statement)."))
@click.option("--number", help=N_("Nomor dokumen (po, nota titip, retur, penyelesaian)."))
@click.option("--days", type=click.IntRange(0, 3650), default=30, show_default=True,
              help=N_("Berapa hari ke depan (near-expiry)."))
@click.option("--layout", type=click.Choice(["a4-3x8", "a4-4x10"]), default="a4-3x8",
              show_default=True, help=N_("Lembar label (labels): 3×8 atau 4×10 per A4."))
@click.option("--member", help=N_("Nomor anggota atau kode kartu (member-statement,"
                                  " member-cards)."))
@click.option("--year", type=click.IntRange(2000, 2100),
              help=N_("Tahun buku (shu); bawaan: tahun lalu."))
@click.option("--statement", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help=N_("Berkas CSV mutasi rekening bank (bank-recon)."))
@click.pass_context
def report(ctx, db_path, name, date_from, date_to, fmt, out, username, product, supplier,
           consignor, number, days, layout, member, year, statement):
    kind = REPORT_KINDS[name]
    fmt = fmt or kind.formats[0]
    if fmt not in kind.formats:
        raise click.UsageError(_("Laporan {name} hanya dalam {formats}.").format(
            name=name, formats="/".join(f.upper() for f in kind.formats)))
    start, end = _period(date_from, date_to, required=kind.period)
    db = _open(_db(db_path, ctx), create=False)
    try:
        user = _login(db, username)
        path = kind.write(db, ReportRequest(out, fmt, user, start, end, product, supplier,
                                            consignor, number, days, layout, member, year,
                                            statement))
    finally:
        db.close()
    click.echo(_("Laporan ditulis ke {path}.").format(path=path))


@cli.command(help=N_("Ukur kecepatan terhadap SQLite mentah dalam proses yang sama."))
@common_options
@click.option("--quick", is_flag=True, help=N_("Putaran kecil, selesai dalam satu menit."))
@click.option("--json", "as_json", is_flag=True, help=N_("Satu objek JSON per baris."))
@click.option("--products", type=click.IntRange(100, 200_000), default=50_000, show_default=True,
              help=N_("Jumlah produk katalog uji."))
def bench(db_path, quick, as_json, products):
    from app.bench import run_bench

    run_bench(products=products, quick=quick, as_json=as_json)


# The sync, hub and key commands register themselves on ``cli``.
from app import cli_sync  # noqa: E402,F401, I001


def run(argv: list[str]) -> int:
    set_language(language_from_argv(argv))
    try:
        result = cli.main(args=argv, prog_name="gerai", standalone_mode=False)
    except click.exceptions.UsageError as e:
        e.show()
        return 2
    except click.exceptions.Abort:
        click.echo(_("Dibatalkan."), err=True)
        return 1
    except click.exceptions.Exit as e:
        return e.exit_code
    except UserError as e:
        click.echo(_("Ditolak: {reason}").format(reason=e.message), err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv[1:]))
