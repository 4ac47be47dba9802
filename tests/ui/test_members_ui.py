"""The Anggota screen by keys alone, as the treasurer works it: a member registered with
their NIK (the sex read from it, the list showing it masked), a wrong NIK refused under its
field with nothing written, a member found by their NIK typed in full, the edit dialog
that shows it (and logs the look), wajib for three months at the office with its slip, the
member's bon and savings on Enter, their card and statement as PDF, and the Anggota
settings. Every result is checked in the real database through the domain.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from app.models import audit, member_money
from app.models.member_settings import get_member_settings
from app.models.members import MemberForm, create_member, find_members, get_member
from app.models.till_settings import TillSettings, save_till_settings
from app.ui.member_dialog import MemberFormDialog
from app.ui.member_money_dialog import MemberMoneyDialog
from app.ui.members_screen import MembersScreen
from app.ui.settings_screen import SettingsScreen

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NIK = "1871034101900001"          # Bandar Lampung, a woman born 1 January 1990
MASKED_NIK = "1871**********01"
PHONE = "081234567890"
PHONE_DIGITS = "6281234567890"


# --- the shop -------------------------------------------------------------------------------


@pytest.fixture
def printer_file(tmp_path) -> Path:
    return tmp_path / "printer.bin"


@pytest.fixture
def file_printer(shop_db, admin_session, printer_file) -> TillSettings:
    """The shop's receipt printer writes to a file, as it would to /dev/usb/lp0."""
    return save_till_settings(shop_db, user=admin_session.user, settings=TillSettings(
        printer_kind="file", printer_target=str(printer_file)))


@pytest.fixture
def parmi(shop_db, manajer_session):
    """A member registered with her NIK and phone, from Desa Natar."""
    return create_member(shop_db, user=manajer_session.user, form=MemberForm(
        name="Parmi Wulandari", nik=NIK, phone=PHONE, village="Natar", credit_limit=300_000))


def open_screen(keys, session) -> MembersScreen:
    screen = MembersScreen(session)
    screen.resize(1100, 700)
    keys.show(screen)
    return screen


def cells(screen: MembersScreen) -> list[tuple[str, ...]]:
    table = screen.list.table
    return [tuple(table.item(r, c).text() for c in range(table.columnCount()))
            for r in range(table.rowCount())]


def printed_text(path: Path) -> str:
    """The printable text of an ESC/POS job (commands stepped over well enough to read)."""
    return bytes(b for b in path.read_bytes() if 32 <= b < 127 or b == 10).decode("ascii")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def audit_details(db) -> str:
    return "\n".join(r[0] or "" for r in db.query("SELECT detail FROM audit_log"))


# --- registering ----------------------------------------------------------------------------


def test_a_member_registered_by_typing_gets_her_sex_from_the_nik_and_the_list_masks_it(
        bendahara_session, keys, dialogs, shop_db):
    screen = open_screen(keys, bendahara_session)
    assert keys.focused() is screen.list.search

    def register(dialog: MemberFormDialog):
        assert keys.focused() is dialog.fields["name"]
        for text in ("Parmi Wulandari", NIK, "", PHONE, "Dusun II RT 03", "Natar", "Petani",
                     "", "", "KA90001", "250.000"):
            keys.type(text)
            keys.press(Key.Key_Return)
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("new member", register, kind=MemberFormDialog)
    keys.press(Key.Key_F2)
    dialogs.check()

    [member] = find_members(shop_db, NIK)
    assert (member.name, member.sex, member.village, member.occupation, member.card_code,
            member.credit_limit, member.status) == (
        "Parmi Wulandari", "P", "Natar", "Petani", "KA90001", 250_000, "active")
    assert member.nik_masked == MASKED_NIK
    assert find_members(shop_db, "0812-3456-7890")[0].id == member.id
    row = next(r for r in cells(screen) if r[0] == member.number)
    assert row[1:6] == ("Parmi Wulandari", "Natar", "Aktif", MASKED_NIK, "0812-****-*890")
    shown = " ".join(" ".join(r) for r in cells(screen))
    assert NIK not in shown and PHONE not in shown and "3456" not in shown
    assert member.label in screen.list.note.text()
    # Sealed at rest, and the log names no personal value.
    dump = "\n".join(shop_db.conn.iterdump())
    assert NIK not in dump and PHONE_DIGITS not in dump
    assert NIK not in audit_details(shop_db) and PHONE_DIGITS not in audit_details(shop_db)


def test_a_wrong_nik_is_said_under_its_field_and_nothing_is_written(
        bendahara_session, keys, dialogs, shop_db, snapshot):
    open_screen(keys, bendahara_session)
    before = snapshot(shop_db)
    seen = {}

    def wrong(dialog: MemberFormDialog):
        keys.type("Sutarmi")
        keys.press(Key.Key_Return)
        keys.type("18710399")           # eight digits: a NIK has sixteen
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()
        seen["nik"] = dialog.form.errors["nik"].text()
        seen["visible"] = dialog.form.errors["nik"].isVisible()
        assert keys.focused() is dialog.fields["nik"]
        keys.press(Key.Key_Escape)

    dialogs.expect("new member", wrong, kind=MemberFormDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert seen == {"nik": "NIK harus 16 angka (tertulis 8).", "visible": True}
    assert snapshot(shop_db) == before


def test_a_nik_already_registered_is_refused_for_a_second_member(
        bendahara_session, keys, dialogs, shop_db, snapshot, parmi):
    open_screen(keys, bendahara_session)
    before = snapshot(shop_db)
    seen = {}

    def twice(dialog: MemberFormDialog):
        keys.type("Parmi W.")
        keys.press(Key.Key_Return)
        keys.type(NIK)
        keys.press(Key.Key_S, CTRL)
        seen["nik"] = dialog.form.errors["nik"].text()
        keys.press(Key.Key_Escape)

    dialogs.expect("new member", twice, kind=MemberFormDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert seen["nik"] == "NIK ini sudah terdaftar untuk anggota lain."
    assert snapshot(shop_db) == before


# --- finding and editing ----------------------------------------------------------------------


def test_a_member_is_found_by_the_nik_typed_in_full_only(bendahara_session, keys, parmi):
    screen = open_screen(keys, bendahara_session)
    assert screen.list.table.rowCount() > 1
    keys.type(NIK[:10])
    assert screen.list.table.rowCount() == 0
    assert "lengkap" in screen.list.note.text()
    keys.type(NIK[10:])
    assert [r[:2] for r in cells(screen)] == [(parmi.number, "Parmi Wulandari")]
    screen.list.search.clear()
    keys.type(PHONE)
    assert [r[0] for r in cells(screen)] == [parmi.number]


def test_status_and_village_filters_narrow_the_list(bendahara_session, keys, parmi, shop_db,
                                                      manajer_session):
    gone = create_member(shop_db, user=manajer_session.user, name="Karto Pawiro",
                         village="Natar", status="left")
    screen = open_screen(keys, bendahara_session)
    village = screen.list.village
    village.setCurrentIndex(village.findData("Natar"))
    assert sorted(r[1] for r in cells(screen)) == ["Karto Pawiro", "Parmi Wulandari"]
    screen.list.status.setCurrentIndex(screen.list.status.findData("left"))
    assert [r[0] for r in cells(screen)] == [gone.number]
    assert cells(screen)[0][3] == "Keluar"


def test_the_edit_dialog_shows_the_full_nik_and_the_look_is_in_the_audit_log(
        bendahara_session, keys, dialogs, shop_db, parmi):
    open_screen(keys, bendahara_session)
    keys.type(parmi.number)
    keys.press(Key.Key_Down)
    looks = len([r for r in audit.recent(shop_db, 1000) if r["action"] == "member.reveal"])
    seen = {}

    def change(dialog: MemberFormDialog):
        seen["nik"] = dialog.fields["nik"].text()
        seen["phone"] = dialog.fields["phone"].text()
        seen["number"] = dialog.number.text()
        dialog.fields["occupation"].setFocus()
        keys.type("Pedagang")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("edit", change, kind=MemberFormDialog)
    keys.press(Key.Key_F4)
    dialogs.check()
    assert seen == {"nik": NIK, "phone": "0812-3456-7890", "number": parmi.number}
    assert get_member(shop_db, parmi.id).occupation == "Pedagang"
    reveals = [r for r in audit.recent(shop_db, 1000) if r["action"] == "member.reveal"]
    assert len(reveals) == looks + 1 and reveals[0]["entity_id"] == parmi.id
    assert NIK not in audit_details(shop_db)


# --- money at the office ----------------------------------------------------------------------


def test_wajib_for_three_months_at_the_office_shows_the_sum_first_and_prints_the_slip(
        bendahara_session, keys, dialogs, shop_db, parmi, file_printer, printer_file):
    screen = open_screen(keys, bendahara_session)
    keys.type("Parmi")
    keys.press(Key.Key_Down)
    monthly = get_member_settings(shop_db).wajib_amount
    seen = {}

    def wajib(dialog: MemberMoneyDialog):
        assert keys.focused() is dialog.kind
        assert dialog.action() == "pokok"        # nothing paid yet: pokok first
        keys.type("2")
        assert dialog.action() == "wajib"
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.months
        keys.type("3")
        seen["plan"] = dialog.plan.text()
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()               # it stays, with the new balances
        seen["balances"] = dialog.balances.text()
        seen["done"] = dialog.done_note.text()
        keys.press(Key.Key_Escape)

    dialogs.expect("wajib", wajib, kind=MemberMoneyDialog)
    keys.press(Key.Key_F5)
    dialogs.check()

    entries = member_money.savings_entries(shop_db, parmi.id)
    assert [(e.kind, e.amount, e.method) for e in entries] == [("wajib", monthly, "cash")] * 3
    assert len({e.period for e in entries}) == 3
    assert shop_db.scalar("SELECT count(*) FROM savings_movements WHERE member_id = ?"
                          " AND shift_id IS NOT NULL", (parmi.id,)) == 0  # not the drawer
    assert seen["plan"].startswith("3 bulan × Rp10.000 = Rp30.000")
    assert "wajib Rp30.000" in seen["balances"]
    assert entries[0].number in seen["done"] and "Rp30.000" in seen["done"]
    text = printed_text(printer_file)
    assert entries[0].number in text and "Parmi Wulandari" in text and "30.000" in text
    assert NIK not in text and "3456" not in text
    assert "Rp30.000" in screen.list.note.text()
    row = next(r for r in cells(screen) if r[0] == parmi.number)
    assert row[7] == "30.000"                   # the savings column


def test_at_the_office_without_a_printer_the_slip_is_a_pdf_opened_to_print(
        bendahara_session, keys, dialogs, shop_db, parmi, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    opened: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    open_screen(keys, bendahara_session)
    keys.type("Parmi")
    keys.press(Key.Key_Down)

    def sukarela(dialog: MemberMoneyDialog):
        keys.type("3")
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.amount     # months are skipped
        keys.type("75.000")
        keys.press(Key.Key_Return)
        keys.type("t")                             # Transfer
        keys.press(Key.Key_Return)
        keys.type("BRI 0099123")
        keys.press(Key.Key_S, CTRL)
        keys.press(Key.Key_Escape)

    dialogs.expect("sukarela", sukarela, kind=MemberMoneyDialog)
    keys.press(Key.Key_F5)
    dialogs.check()
    [entry] = member_money.savings_entries(shop_db, parmi.id)
    assert (entry.kind, entry.amount, entry.method, entry.reference) == (
        "sukarela", 75_000, "transfer", "BRI 0099123")
    [url] = opened
    text = pdf_text(Path(url.toLocalFile()))
    assert entry.number in text and "75.000" in text and "BRI 0099123" in text
    assert NIK not in text


def test_a_bon_repayment_above_what_is_owed_is_refused_under_the_amount(
        bendahara_session, keys, dialogs, shop_db, parmi, file_printer, snapshot):
    open_screen(keys, bendahara_session)
    keys.type("Parmi")
    keys.press(Key.Key_Down)
    before = snapshot(shop_db)
    seen = {}

    def too_much(dialog: MemberMoneyDialog):
        assert dialog.action() == "bon"
        keys.press(Key.Key_Return)
        keys.type("10.000")
        keys.press(Key.Key_S, CTRL)
        seen["amount"] = dialog.form.errors["amount"].text()
        keys.press(Key.Key_Escape)

    dialogs.expect("bon", too_much, kind=MemberMoneyDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert seen["amount"] == "Parmi Wulandari hanya berutang Rp0."
    assert snapshot(shop_db) == before


# --- the member at a glance, cards and statements -------------------------------------------


def test_enter_shows_the_members_savings_and_f9_saves_the_statement(
        bendahara_session, keys, shop_db, parmi, monkeypatch, tmp_path):
    member_money.deposit(shop_db, user=bendahara_session.user, member_id=parmi.id,
                         kind="pokok")
    opened: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda _p, _t, name, _f: (str(tmp_path / name), "PDF (*.pdf)")))
    screen = open_screen(keys, bendahara_session)
    keys.type("Parmi")
    keys.press(Key.Key_Down)
    keys.press(Key.Key_Return)
    detail = screen.detail
    assert screen.tabs.currentIndex() == 1 and detail.isVisible()
    assert detail.title.text() == parmi.label
    assert MASKED_NIK in detail.facts.text() and NIK not in detail.facts.text()
    savings = detail.savings
    assert savings.rowCount() == 1
    assert [savings.item(0, c).text() for c in (2, 3, 5)] == ["Simpanan pokok", "100.000",
                                                              "100.000"]
    assert "Simpanan pokok Rp100.000" in detail.savings_note.text()

    keys.press(Key.Key_F9)
    path = tmp_path / f"rekening-{parmi.number}.pdf"
    text = pdf_text(path)
    assert "REKENING ANGGOTA" in text and "Parmi Wulandari" in text and "100.000" in text
    assert NIK not in text
    assert opened and str(path) in screen.list.note.text()
    keys.press(Key.Key_Escape)
    assert screen.tabs.currentIndex() == 0


def test_a_period_that_is_not_a_day_is_said_on_the_detail_page(bendahara_session, keys, parmi):
    screen = open_screen(keys, bendahara_session)
    keys.type("Parmi")
    keys.press(Key.Key_Down)
    keys.press(Key.Key_Return)
    assert keys.focused() is screen.detail.date_from
    keys.type("31-02-2026")
    keys.press(Key.Key_Return)
    assert "Tanggal awal tidak valid" in screen.detail.period_error.text()


def test_f8_saves_the_members_card_and_shift_f8_every_active_members(
        bendahara_session, keys, shop_db, parmi, monkeypatch, tmp_path):
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: None))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda _p, _t, name, _f: (str(tmp_path / name), "PDF (*.pdf)")))
    open_screen(keys, bendahara_session)
    keys.type("Parmi")
    keys.press(Key.Key_Down)
    keys.press(Key.Key_F8)
    one = pdf_text(tmp_path / f"kartu-{parmi.number}.pdf")
    assert "Parmi Wulandari" in one and parmi.number in one and NIK not in one
    keys.press(Key.Key_F8, SHIFT)
    every = pdf_text(tmp_path / "kartu-anggota.pdf")
    assert "Parmi Wulandari" in every and "Siti Rahmawati" in every


# --- the Anggota settings ---------------------------------------------------------------------


def test_the_admin_sets_the_wajib_and_the_bon_age_limit(admin_session, keys, shop_db):
    screen = SettingsScreen(admin_session)
    keys.show(screen)
    screen.pages.setCurrentIndex(1)
    page = screen.pages.currentWidget()
    page.setFocus()
    assert keys.focused() is page.inputs["pokok_amount"]
    keys.press(Key.Key_Return)
    keys.press(Key.Key_A, CTRL)
    keys.type("15.000")
    keys.press(Key.Key_Return)
    keys.press(Key.Key_A, CTRL)
    keys.type("30")
    keys.press(Key.Key_S, CTRL)
    settings = get_member_settings(shop_db)
    assert (settings.pokok_amount, settings.wajib_amount, settings.credit_block_days) == (
        100_000, 15_000, 30)
    assert page.message.text() == "Aturan anggota tersimpan."


def test_member_settings_that_are_not_numbers_are_refused_and_nothing_is_saved(
        admin_session, keys, shop_db, snapshot):
    screen = SettingsScreen(admin_session)
    keys.show(screen)
    screen.pages.setCurrentIndex(1)
    page = screen.pages.currentWidget()
    page.setFocus()
    page.inputs["wajib_amount"].setText("sepuluh ribu")
    page.inputs["credit_block_days"].setText("-5")
    before = snapshot(shop_db)
    keys.press(Key.Key_S, CTRL)
    assert "tidak valid" in page.errors["wajib_amount"].text()
    assert "0 dan 3650" in page.errors["credit_block_days"].text()
    assert keys.focused() is page.inputs["wajib_amount"]
    assert snapshot(shop_db) == before


def test_a_manager_reads_the_member_settings_but_cannot_change_them(login, keys):
    screen = SettingsScreen(login("manajer"))
    keys.show(screen)
    page = screen.pages.widget(1)
    assert not any(edit.isEnabled() for edit in page.inputs.values())
