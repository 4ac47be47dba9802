"""Reference packages from the district hub to its shops: the HET list and the catalog.

A real hub database and a copy of the demo shop enrolled with it; the packages are real
files, checked by hand with ``minisign`` too. Every refusal leaves the shop's database as
it was (a dump of its content before and after)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from app.models import reference_data, sync_data
from app.models.check import run_checks
from app.models.clock import frozen_clock
from app.models.db import open_db
from app.models.errors import PackageRefused, UserError, ValidationError
from app.models.products import get_product
from app.sync import hub, keys, reference, shop
from app.sync.package import write_package


def database_state(db) -> str:
    """Everything in the database as SQL text (as conftest's ``snapshot``)."""
    return "\n".join(db.conn.iterdump())


@pytest.fixture
def keydir(tmp_path, monkeypatch):
    folder = tmp_path / "keys"
    folder.mkdir()
    monkeypatch.setenv("GERAI_SYNC_KEY_DIR", str(folder))
    return folder


def _hub(path, district):
    db = open_db(path)
    hub.init(db, district=district)
    return db


@pytest.fixture
def district(tmp_path, keydir, make_shop):
    """(hub db, shop db): the demo shop enrolled with district LAMSEL and registered."""
    h = _hub(tmp_path / "hub.db", "LAMSEL")
    s = make_shop()
    hub.write_public(h, tmp_path / "district.pub")
    shop.keygen(s)
    shop.write_public(s, tmp_path / "shop.pub")
    shop.enroll(s, tmp_path / "district.pub")
    hub.register(h, tmp_path / "shop.pub", code=sync_data.shop_code(s))
    yield h, s
    h.close()


def _code(db, name, pack=False):
    """A barcode of the demo product ``name`` (of a pack of it when ``pack``)."""
    return db.scalar("SELECT b.code FROM barcodes b JOIN products p ON p.id = b.product_id"
                     " WHERE p.name = ? AND b.unit_id IS " + ("NOT NULL" if pack else "NULL")
                     + " ORDER BY b.code LIMIT 1", (name,))


def _product(db, name):
    return get_product(db, db.scalar("SELECT id FROM products WHERE name = ?", (name,)))


def _csv(path, rows):
    path.write_text("barcode;nama;satuan;zona;het\n"
                    + "".join(";".join(map(str, r)) + "\n" for r in rows))
    return path


@pytest.fixture
def het_list(district, tmp_path):
    """The HET list loaded at the hub: rice above the shop's price's cap, oil below it."""
    h, s = district
    rice, oil = _code(s, "Beras Medium 5 kg"), _code(s, "MinyaKita 1 L")
    rows = [(rice, "Beras Medium 5 kg", "pcs", "I", "66.000"),
            (rice, "Beras Medium 5 kg", "pcs", "II", 60000),
            (oil, "MinyaKita 1 L", "pcs", "I", 16000),
            ("8991234567891", "Gula Pasir 1 kg", "pcs", "I", 17500)]
    assert reference_data.load_het(h, _csv(tmp_path / "het.csv", rows), user=None) == 4
    return rows


def test_a_het_list_sets_caps_never_prices_and_lists_what_is_above_the_cap(
        district, het_list, tmp_path):
    h, s = district
    rice_before, oil_before = _product(s, "Beras Medium 5 kg"), _product(s, "MinyaKita 1 L")
    assert rice_before.price == 67000 and rice_before.het == 67500
    path = reference.export_reference(h, kind="het", out=tmp_path)
    assert path.name == "LAMSEL-het-v1.gerai"
    result = reference.import_reference(s, path)

    rice, oil = _product(s, "Beras Medium 5 kg"), _product(s, "MinyaKita 1 L")
    assert (rice.het, oil.het) == (66000, 16000)            # zone I, not zone II's 60.000
    assert (rice.price, oil.price) == (rice_before.price, oil_before.price)
    assert result.kind == "het" and result.version == 1 and result.warnings == []
    assert result.changed == 2 and result.unknown == 1
    assert [(o.name, o.price, o.het) for o in result.over_cap] == [
        ("Beras Medium 5 kg", 67000, 66000)]
    assert reference_data.applied_version(s, "het") == 1
    text = "\n".join(reference.describe(result))
    assert "Beras Medium 5 kg" in text and "Rp66.000" in text
    assert s.scalar("SELECT count(*) FROM audit_log WHERE action = 'reference.het'") == 1
    assert all(c.ok for c in run_checks(s)), [c for c in run_checks(s) if not c.ok]


def test_the_shops_zone_picks_its_caps(district, het_list, tmp_path):
    h, s = district
    reference_data.set_het_zone(s, "II", user=None)
    result = reference.import_reference(s, reference.export_reference(h, kind="het",
                                                                      out=tmp_path))
    assert result.detail.zone == "II"
    assert _product(s, "Beras Medium 5 kg").het == 60000
    assert _product(s, "MinyaKita 1 L").het == 15700        # not in zone II's list: kept
    with pytest.raises(UserError):
        reference_data.set_het_zone(s, "IV", user=None)


def test_a_cap_for_a_pack_barcode_becomes_a_cap_per_base_unit(district, tmp_path):
    h, s = district
    sack = _code(s, "Beras Curah Medium", pack=True)
    factor = s.scalar("SELECT u.factor FROM barcodes b JOIN product_units u ON u.id = b.unit_id"
                      " WHERE b.code = ?", (sack,))
    reference_data.load_het(h, _csv(tmp_path / "het.csv", [
        (sack, "Beras curah karung", "karung", "I", 14000 * factor // 1000)]), user=None)
    reference.import_reference(s, reference.export_reference(h, kind="het", out=tmp_path))
    assert _product(s, "Beras Curah Medium").het == 14000


def test_a_bad_het_file_is_refused_with_every_row_and_writes_nothing(district, tmp_path):
    h, s = district
    before = database_state(h)
    bad = _csv(tmp_path / "bad.csv", [(_code(s, "MinyaKita 1 L"), "x", "pcs", "IV", 1000),
                                       ("12", "x", "pcs", "I", "-5"),
                                       ("8991234567891", "x", "pcs", "I", 0)])
    with pytest.raises(ValidationError) as exc:
        reference_data.load_het(h, bad, user=None)
    assert sorted(p.row for p in exc.value.problems) == [2, 3, 3, 4]
    assert database_state(h) == before


def test_a_catalog_fills_empty_brands_and_counts_what_the_shop_lacks(district, tmp_path):
    h, s = district
    e = shop.export(s, tmp_path)
    assert hub.import_files(h, [e.path])[0].applied
    rice = _product(s, "Beras Medium 5 kg")
    s.execute("UPDATE products SET brand = '', category = '' WHERE id = ?", (rice.id,))
    reference_data.load_het(h, _csv(tmp_path / "het.csv", [
        ("8991234567891", "Gula Pasir 1 kg", "pcs", "I", 17500)]), user=None)
    path = reference.export_reference(h, kind="catalog", out=tmp_path)
    result = reference.import_reference(s, path)
    after = _product(s, "Beras Medium 5 kg")
    assert (after.brand, after.category) == (rice.brand, rice.category)
    assert after.name == rice.name and after.price == rice.price
    assert result.changed == 1 and result.unknown == 1      # the sugar only the list knows
    assert result.detail.unknown[0][:2] == ("8991234567891", "Gula Pasir 1 kg")
    assert reference.describe(result)[1].startswith("Merek/kategori dilengkapi pada 1 produk")


def test_a_reference_package_checks_by_hand_with_minisign(district, het_list, tmp_path,
                                                          keydir):
    if not shutil.which("minisign"):
        pytest.skip("the minisign tool is missing (Debian package minisign)")
    h, _s = district
    path = reference.export_reference(h, kind="het", out=tmp_path)
    pub = hub.public(h)
    (tmp_path / "district-sign.pub").write_text(keys.public_key_text(pub.signing))
    subprocess.run(["sh", "-c", f"head -n 5 {path} | tail -n 4 > {tmp_path}/r.minisig && "
                                f"tail -n +6 {path} > {tmp_path}/r.body"], check=True)
    done = subprocess.run(["minisign", "-Vm", tmp_path / "r.body", "-x",
                           tmp_path / "r.minisig", "-p", tmp_path / "district-sign.pub"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert '"ref_kind":"het"' in done.stdout


# -- refusals -----------------------------------------------------------------------------

def _refused(s, path, reason):
    before = database_state(s)
    with pytest.raises(PackageRefused) as exc:
        reference.import_reference(s, path)
    assert reason in exc.value.reason
    assert database_state(s) == before
    return exc.value.reason


def test_a_replayed_or_older_version_is_refused(district, het_list, tmp_path):
    h, s = district
    v1 = reference.export_reference(h, kind="het", out=tmp_path)
    v2 = reference.export_reference(h, kind="het", out=tmp_path)
    assert v2.name == "LAMSEL-het-v2.gerai"
    reference.import_reference(s, v2)
    _refused(s, v2, "sudah terpasang")
    _refused(s, v1, "lebih lama")


def test_a_package_of_another_district_is_refused(district, het_list, tmp_path):
    h, s = district
    other = _hub(tmp_path / "hub2.db", "TANGGAMUS")
    reference_data.load_het(other, tmp_path / "het.csv", user=None)
    (tmp_path / "o").mkdir()
    path = reference.export_reference(other, kind="het", out=tmp_path / "o")
    _refused(s, path, "kunci yang tidak terdaftar")
    other.close()


def test_a_package_naming_another_district_is_refused_even_with_the_right_key(
        district, tmp_path):
    h, s = district
    header = {"kind": "reference", "district": "TANGGAMUS", "ref_kind": "het",
              "ref_version": 9, "valid_until": "2099-01-01", "epoch": 0, "seq_from": 9,
              "seq_to": 9, "prev_hash": "", "created_at": "2026-01-01T00:00:00.000Z",
              "rows": 1}
    path = write_package(tmp_path / "x.gerai", header=header, tables={"het": {
        "columns": list(reference_data.HET_COLUMNS),
        "rows": [[_code(s, "MinyaKita 1 L"), "I", 100, "", ""]]}},
        signing_key=keys.load_hub_signing_key(hub.key_name(h)), recipient=None)
    _refused(s, path, "untuk dinas TANGGAMUS")


@pytest.mark.parametrize("rows, reason", [
    ([["8991234567891", "IV", 100, "", ""]], "tidak sah"),
    ([["8991234567891", "I", 0, "", ""]], "tidak sah"),
    ([["8991234567891", "I", "100", "", ""]], "tidak sah"),
    ([["8991234567891", "I", 100, "", ""], ["8991234567891", "I", 90, "", ""]], "dua kali"),
])
def test_malformed_rows_are_refused(district, tmp_path, rows, reason):
    h, s = district
    header = {"kind": "reference", "district": "LAMSEL", "ref_kind": "het",
              "ref_version": 1, "valid_until": "2099-01-01", "epoch": 0, "seq_from": 1,
              "seq_to": 1, "prev_hash": "", "created_at": "2026-01-01T00:00:00.000Z",
              "rows": len(rows)}
    path = write_package(tmp_path / "x.gerai", header=header, tables={"het": {
        "columns": list(reference_data.HET_COLUMNS), "rows": rows}},
        signing_key=keys.load_hub_signing_key(hub.key_name(h)), recipient=None)
    _refused(s, path, reason)


def test_damaged_packages_are_refused(district, het_list, tmp_path):
    h, s = district
    path = reference.export_reference(h, kind="het", out=tmp_path)
    data = path.read_bytes()
    flipped = bytearray(data)
    flipped[-3] ^= 1
    cases = {"tamper": (bytes(flipped), "tidak sah"), "short": (data[:-10], "terpotong"),
             "extra": (data + b"\0", "bait lebih")}
    for name, (content, reason) in cases.items():
        (tmp_path / name).write_bytes(content)
        _refused(s, tmp_path / name, reason)
    reference.import_reference(s, path)         # the good one still applies


def test_a_shop_not_enrolled_refuses(het_list, district, tmp_path, make_shop):
    h, _s = district
    path = reference.export_reference(h, kind="het", out=tmp_path)
    _refused(make_shop("other.db"), path, "belum terdaftar")


def test_an_expired_list_is_applied_with_a_warning(district, het_list, tmp_path):
    h, s = district
    path = reference.export_reference(h, kind="het", out=tmp_path, valid_days=30)
    with frozen_clock(datetime.now(UTC) + timedelta(days=60)):
        result = reference.import_reference(s, path)
    assert result.warnings and "berlaku sampai" in result.warnings[0]
    assert _product(s, "Beras Medium 5 kg").het == 66000


def test_export_refuses_an_empty_list_and_a_shop_database(district, tmp_path):
    h, s = district
    with pytest.raises(UserError):
        reference.export_reference(h, kind="het", out=tmp_path)
    with pytest.raises(UserError):
        reference.export_reference(h, kind="prices", out=tmp_path)
    with pytest.raises(UserError):
        reference.export_reference(s, kind="het", out=tmp_path)
    assert reference_data.next_version(h, "het") == 1


def test_the_shop_still_syncs_to_the_hub_after_applying_a_list(district, het_list, tmp_path):
    h, s = district
    reference.import_reference(s, reference.export_reference(h, kind="het", out=tmp_path))
    (tmp_path / "out").mkdir()
    e = shop.export(s, tmp_path / "out")
    done = hub.import_files(h, [e.path])[0]
    assert done.applied, done.message
    rice = _product(s, "Beras Medium 5 kg")
    assert h.scalar("SELECT het FROM s_products WHERE id = ?", (rice.id,)) == 66000
    # ... and a shop's own package is no reference package.
    _refused(s, e.path, "tidak terdaftar")


def test_describe_says_what_happened_in_indonesian(district, het_list, tmp_path):
    h, s = district
    path = reference.export_reference(h, kind="het", out=tmp_path, valid_days=1)
    with frozen_clock(datetime.now(UTC) + timedelta(days=5)):
        lines = reference.describe(reference.import_reference(s, path))
    assert lines[0].startswith("Daftar HET dinas LAMSEL versi 1 dipasang (zona I")
    assert any("Beras Medium 5 kg (pcs): harga Rp67.000, HET Rp66.000" in x for x in lines)
    assert lines[-1].startswith("Peringatan: Paket ini berlaku sampai")
