"""A member's money at the till (F12), by keys alone: savings paid into the drawer, sukarela
taken out only with a treasurer's or manager's PIN, bon paid off — each slip printed (the
till prints to a file, read back), the drawer's expected cash moved by it. And new bon
refused at the till while the member's old bon is too old, with nothing written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dialogs import back_in
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLabel

from app.models import member_money
from app.models.cart import Cart, add_product, set_member
from app.models.clock import frozen_clock
from app.models.member_settings import get_member_settings
from app.models.members import MemberForm, create_member, get_member
from app.models.product_search import list_products
from app.models.products import get_product
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift, open_shift_for, shift_summary
from app.models.till_settings import TillSettings, save_till_settings
from app.ui.member_money_dialog import MemberMoneyDialog
from app.ui.till_dialogs import MemberDialog, PaymentDialog, SupervisorDialog
from app.ui.till_screen import TillScreen

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
NIK = "1871034101900001"
PHONE = "081234567890"
TILL = "KASIR-1"
#: What the till's money writes; a refusal leaves every one of them as it was.
MONEY_TABLES = ("savings_movements", "savings_balances", "credit_payments", "shift_cash",
                "member_credit_movements", "sales", "payments")
DRAWER_KICK = b"\x1bp"


# --- the till ------------------------------------------------------------------------------


@pytest.fixture
def printer_file(tmp_path) -> Path:
    return tmp_path / "printer.bin"


@pytest.fixture
def till_settings(shop_db, admin_session, printer_file) -> TillSettings:
    return save_till_settings(shop_db, user=admin_session.user, settings=TillSettings(
        printer_kind="file", printer_target=str(printer_file)))


@pytest.fixture
def till(kasir_session, keys, till_settings) -> TillScreen:
    screen = TillScreen(kasir_session)
    screen.resize(1100, 700)
    keys.show(screen, screen.scan)
    return screen


@pytest.fixture
def shift(shop_db, kasir_session, till_settings):
    return open_shift(shop_db, user=kasir_session.user, till=TILL, opening_float="200000")


@pytest.fixture
def parmi(shop_db, manajer_session):
    return create_member(shop_db, user=manajer_session.user, form=MemberForm(
        name="Parmi Wulandari", nik=NIK, phone=PHONE, credit_limit=300_000))


def written(db) -> dict[str, int]:
    return {table: db.scalar(f"SELECT count(*) FROM {table}") for table in MONEY_TABLES}


def printed_text(path: Path) -> str:
    return bytes(b for b in path.read_bytes() if 32 <= b < 127 or b == 10).decode("ascii")


def expected_cash(db) -> int:
    return shift_summary(db, open_shift_for(db, TILL).id).expected_cash


def product_id(db, name: str) -> str:
    return next(p.id for p in list_products(db, name, limit=20) if p.name == name)


def find_member(dialogs, keys, name: str) -> None:
    """The till's member finder: a few letters of the name, Enter."""
    def pick(dialog: MemberDialog):
        keys.type(name)
        assert dialog.results.count() == 1
        keys.press(Key.Key_Return)

    dialogs.expect("member", pick, kind=MemberDialog)


# --- savings into the drawer ------------------------------------------------------------------


def test_sukarela_in_cash_opens_the_shift_goes_into_the_drawer_and_prints_the_slip(
        till, keys, dialogs, shop_db, parmi, printer_file):
    find_member(dialogs, keys, "Parmi")
    keys.press(Key.Key_F7)
    dialogs.check()
    assert "Parmi Wulandari" in till.member_label.text()

    def open_the_shift(dialog: QInputDialog):
        keys.type("200000")
        keys.press(Key.Key_Return)

    seen = {}

    def sukarela(dialog: MemberMoneyDialog):
        assert dialog.member.id == parmi.id and dialog.till.till == TILL
        assert keys.focused() is dialog.kind
        keys.type("3")
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.amount
        keys.type("50.000")
        keys.press(Key.Key_S, CTRL)
        seen["balances"] = dialog.balances.text()
        seen["done"] = dialog.done_note.text()
        keys.press(Key.Key_Escape)

    dialogs.expect("shift", open_the_shift, kind=QInputDialog)
    dialogs.expect("money", sukarela, kind=MemberMoneyDialog)
    keys.press(Key.Key_F12)
    dialogs.check()

    shift = open_shift_for(shop_db, TILL)
    assert shift is not None and shift.opening_float == 200_000
    assert expected_cash(shop_db) == 200_000 + 50_000
    [entry] = member_money.savings_entries(shop_db, parmi.id)
    assert (entry.kind, entry.amount, entry.method) == ("sukarela", 50_000, "cash")
    assert shop_db.scalar("SELECT shift_id FROM savings_movements WHERE id = ?",
                          (entry.id,)) == shift.id
    assert "sukarela Rp50.000" in seen["balances"] and entry.number in seen["done"]
    data = printer_file.read_bytes()
    text = printed_text(printer_file)
    assert entry.number in text and "Parmi Wulandari" in text and "50.000" in text
    assert "Diterima oleh: Agus Saputra" in text
    assert NIK not in text and "3456" not in text
    assert data.count(DRAWER_KICK) == 1          # cash in: the drawer opens
    assert entry.number in till.status.text()
    assert keys.focused() is till.scan


def test_a_withdrawal_needs_a_treasurers_pin_without_it_nothing_is_written(
        till, keys, dialogs, shop_db, shift, parmi, bendahara_session, printer_file,
        snapshot):
    member_money.deposit(shop_db, user=bendahara_session.user, member_id=parmi.id,
                         kind="sukarela", amount=100_000)
    cash_before = expected_cash(shop_db)
    before = snapshot(shop_db)
    seen = {}

    def refused_pin(dialog: SupervisorDialog):
        seen["why"] = " ".join(label.text() for label in dialog.findChildren(QLabel))
        keys.press(Key.Key_Escape)

    def approved(dialog: SupervisorDialog):
        assert keys.focused() is dialog.username
        keys.type("bendahara")
        keys.press(Key.Key_Return)
        keys.type("4321")
        keys.press(Key.Key_Return)

    def withdraw(dialog: MemberMoneyDialog):
        keys.type("4")
        assert dialog.action() == "withdraw"
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.amount
        keys.type("30000")
        dialogs.expect("no pin", refused_pin, kind=SupervisorDialog)
        keys.press(Key.Key_S, CTRL)
        back_in(keys, dialog)
        seen["refused"] = dialog.form.general.text()
        seen["unchanged"] = snapshot(shop_db) == before
        dialogs.expect("pin", approved, kind=SupervisorDialog)
        keys.press(Key.Key_S, CTRL)
        back_in(keys, dialog)
        seen["balances"] = dialog.balances.text()
        keys.press(Key.Key_Escape)

    find_member(dialogs, keys, "Parmi")           # no member on the cart: the finder first
    dialogs.expect("money", withdraw, kind=MemberMoneyDialog)
    keys.press(Key.Key_F12)
    dialogs.check()

    assert "Rp30.000" in seen["why"] and "Parmi Wulandari" in seen["why"]
    assert seen["refused"] == "Penarikan belum disetujui; tidak ada yang dicatat."
    assert seen["unchanged"]
    out = [e for e in member_money.savings_entries(shop_db, parmi.id) if e.amount < 0]
    assert [(e.kind, e.amount) for e in out] == [("sukarela", -30_000)]
    assert out[0].approved_by == bendahara_session.user.id
    assert member_money.balances(shop_db, parmi.id)["sukarela"] == 70_000
    assert "sukarela Rp70.000" in seen["balances"]
    assert expected_cash(shop_db) == cash_before - 30_000
    text = printed_text(printer_file)
    assert out[0].number in text and "30.000" in text and "Tanda tangan anggota" in text
    assert "Dibayar oleh: Agus Saputra" in text


def test_a_wrong_pin_writes_nothing(till, keys, dialogs, shop_db, shift, parmi,
                                    bendahara_session):
    member_money.deposit(shop_db, user=bendahara_session.user, member_id=parmi.id,
                         kind="sukarela", amount=100_000)
    before = written(shop_db)
    seen = {}

    def wrong(dialog: SupervisorDialog):
        keys.type("bendahara")
        keys.press(Key.Key_Return)
        keys.type("9999")
        keys.press(Key.Key_Return)
        seen["error"] = dialog.error.text()
        keys.press(Key.Key_Escape)

    def withdraw(dialog: MemberMoneyDialog):
        keys.type("4")
        keys.press(Key.Key_Return)
        keys.type("30000")
        dialogs.expect("wrong pin", wrong, kind=SupervisorDialog)
        keys.press(Key.Key_S, CTRL)
        back_in(keys, dialog)
        keys.press(Key.Key_Escape)

    find_member(dialogs, keys, "Parmi")
    dialogs.expect("money", withdraw, kind=MemberMoneyDialog)
    keys.press(Key.Key_F12)
    dialogs.check()
    assert seen["error"] == "Nama pengguna atau PIN/kata sandi salah."
    assert written(shop_db) == before


# --- bon ---------------------------------------------------------------------------------------


def test_bon_paid_off_at_the_till_goes_into_the_drawer(
        till, keys, dialogs, shop_db, shift, parmi, kasir_session, printer_file):
    cart = set_member(add_product(shop_db, Cart(), product_id(shop_db, "Gula Pasir 1 kg"),
                                  qty=4000), get_member(shop_db, parmi.id))
    complete_sale(shop_db, user=kasir_session.user, till=TILL, cart=cart,
                  payments=[PaymentInput("bon", 70_000)])
    assert get_member(shop_db, parmi.id).balance == 70_000
    cash_before = expected_cash(shop_db)
    seen = {}

    def repay(dialog: MemberMoneyDialog):
        keys.type("5")
        assert dialog.action() == "bon"
        seen["plan"] = dialog.plan.text()
        keys.press(Key.Key_Return)
        keys.type("40000")
        keys.press(Key.Key_S, CTRL)
        seen["balances"] = dialog.balances.text()
        keys.press(Key.Key_Escape)

    find_member(dialogs, keys, "Parmi")
    dialogs.expect("money", repay, kind=MemberMoneyDialog)
    keys.press(Key.Key_F12)
    dialogs.check()

    assert seen["plan"] == "Bon Parmi Wulandari sekarang Rp70.000."
    assert get_member(shop_db, parmi.id).balance == 30_000
    assert "Bon: Rp30.000" in seen["balances"]
    assert expected_cash(shop_db) == cash_before + 40_000
    number, shift_id = shop_db.one("SELECT number, shift_id FROM credit_payments"
                                   " WHERE member_id = ?", (parmi.id,))
    assert shift_id == shift.id
    text = printed_text(printer_file)
    assert number in text and "Pembayaran bon" in text and "40.000" in text


def test_new_bon_is_refused_at_the_till_while_old_bon_is_too_old_and_nothing_is_written(
        till, keys, dialogs, shop_db, shift, manajer_session, kasir_session):
    block = get_member_settings(shop_db).credit_block_days
    assert block == 60
    long_ago = datetime.now(UTC) - timedelta(days=90)
    with frozen_clock(long_ago):
        tarsih = create_member(shop_db, user=manajer_session.user, name="Tarsih Rahayu",
                               credit_limit=500_000)
        open_shift(shop_db, user=kasir_session.user, till="KASIR-9", opening_float="0")
        complete_sale(shop_db, user=kasir_session.user, till="KASIR-9", cart=set_member(
            add_product(shop_db, Cart(), product_id(shop_db, "Gula Pasir 1 kg"), qty=1000),
            get_member(shop_db, tarsih.id)), payments=[PaymentInput("bon", 17_500)])
    keys.type(get_product(shop_db, product_id(shop_db, "Kecap Manis 520 ml")).barcodes[0])
    keys.press(Key.Key_Return)
    assert till.model.rowCount() == 1
    find_member(dialogs, keys, "Tarsih")
    keys.press(Key.Key_F7)
    dialogs.check()
    before = written(shop_db)
    shown = {}

    def on_bon(dialog: PaymentDialog):
        keys.press(Key.Key_F7)                   # what is owed, on bon
        assert dialog.bon.text() != ""
        keys.press(Key.Key_Return)

    def refused(dialog: PaymentDialog):
        shown["error"] = dialog.error.text()
        shown["visible"] = dialog.error.isVisible()
        keys.press(Key.Key_Escape)

    dialogs.expect("payment", on_bon, kind=PaymentDialog)
    dialogs.expect("refused", refused, kind=PaymentDialog, again=True,
                   where=lambda d: d.error.isVisible())
    keys.press(Key.Key_F10)
    dialogs.check()

    assert shown["visible"]
    assert shown["error"] == (
        "Tarsih Rahayu punya bon yang belum dibayar sejak 90 hari lalu (batas 60 hari):"
        " lunasi dulu sebelum bon baru.")
    assert written(shop_db) == before
    assert get_member(shop_db, tarsih.id).balance == 17_500
    assert till.model.rowCount() == 1            # the cart is still there, to pay otherwise
