"""The screens speak the shop's language: Bahasa Indonesia by default, English when chosen.

The language is chosen before a screen is built (texts are read when widgets are made).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.i18n import language, set_language
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.product_dialog import ProductDialog
from app.ui.products_screen import ProductsScreen


def nav_labels(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def headers(screen: ProductsScreen) -> list[str]:
    model = screen.model
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


# --- Indonesian ------------------------------------------------------------------------


def test_the_products_screen_speaks_indonesian_by_default(manajer_session, qtbot, indonesian):
    screen = ProductsScreen(manajer_session)
    qtbot.addWidget(screen)
    assert screen.add_button.text() == "Tambah (F2)"
    assert screen.add_button.text().startswith("Tambah")
    assert screen.edit_button.text() == "Ubah (F4)"
    assert screen.archive_button.text() == "Arsipkan / pulihkan (F8)"
    assert screen.show_archived.text() == "Tampilkan arsip (F9)"
    assert screen.search.placeholderText().startswith("Ketik nama")
    assert screen.count_label.text() == "300 produk"
    assert headers(screen)[:2] == ["Nama", "Merek"]
    assert "Harga (Rp)" in headers(screen)


def test_the_main_window_speaks_indonesian_by_default(manajer_session, qtbot, indonesian):
    window = MainWindow(manajer_session)
    qtbot.addWidget(window)
    assert nav_labels(window)[:10] == ["Kasir  (Ctrl+1)", "Produk  (Ctrl+2)",
                                       "Log audit  (Ctrl+3)", "Akun pengguna  (Ctrl+4)",
                                       "Pembelian  (Ctrl+5)", "Stok  (Ctrl+6)",
                                       "Titipan  (Ctrl+7)", "Laporan  (Ctrl+8)",
                                       "Pengaturan gerai  (Ctrl+9)", "Anggota  (Ctrl+0)"]
    assert window.status_user.text().startswith("Pengguna: Siti Aminah (Manajer)")
    assert window.status_db.text().startswith("Basis data: ")


def test_the_product_form_and_login_speak_indonesian_by_default(
        manajer_session, qtbot, indonesian):
    dialog = ProductDialog(manajer_session)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Produk baru"
    login = LoginDialog(manajer_session.db, manajer_session.settings)
    qtbot.addWidget(login)
    assert login.login_button.text() == "Masuk (Enter)"


def test_back_in_indonesian_after_english_the_texts_are_indonesian_again(manajer_session, qtbot):
    set_language("en")
    try:
        english = ProductsScreen(manajer_session)
        qtbot.addWidget(english)
    finally:
        set_language("id")
    assert language() == "id"
    screen = ProductsScreen(manajer_session)
    qtbot.addWidget(screen)
    assert screen.add_button.text() == "Tambah (F2)"
    assert screen.count_label.text() == "300 produk"


# --- English (the catalog is being completed) -----------------------------------------


def test_the_products_screen_speaks_english_when_chosen(manajer_session, qtbot, english):
    screen = ProductsScreen(manajer_session)
    qtbot.addWidget(screen)
    assert screen.add_button.text().startswith("Add")
    assert screen.add_button.text().endswith("(F2)")
    assert screen.edit_button.text().startswith("Edit")
    assert screen.edit_button.text().endswith("(F4)")
    assert screen.archive_button.text().startswith("Archive")
    assert "(F9)" in screen.show_archived.text()
    assert "arsip" not in screen.show_archived.text().lower()
    assert not screen.search.placeholderText().startswith("Ketik")
    assert screen.count_label.text() == "300 products"
    assert headers(screen)[0] == "Name"
    assert "Price (Rp)" in headers(screen)


def test_the_main_window_speaks_english_when_chosen(manajer_session, qtbot, english):
    window = MainWindow(manajer_session)
    qtbot.addWidget(window)
    labels = nav_labels(window)
    assert labels[0] == "Cashier  (Ctrl+1)"
    assert labels[1] == "Products  (Ctrl+2)"
    assert labels[2] == "Audit log  (Ctrl+3)"
    assert labels[3] == "User accounts  (Ctrl+4)"
    assert labels[8] == "Shop settings  (Ctrl+9)"  # areas added since come after it
    assert window.status_user.text().startswith("User: Siti Aminah")
    assert "Manajer" not in window.status_user.text()
    assert window.status_db.text().startswith("Database: ")


def test_the_product_form_and_login_speak_english_when_chosen(manajer_session, qtbot, english):
    dialog = ProductDialog(manajer_session)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "New product"
    login = LoginDialog(manajer_session.db, manajer_session.settings)
    qtbot.addWidget(login)
    assert login.login_button.text().startswith("Log in")


def test_qts_own_buttons_speak_the_shops_language_and_never_go_blank(qtbot, indonesian):
    from PySide6.QtCore import QCoreApplication

    from app.ui.app import make_app

    make_app()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Batal"
    assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "&Ya"
    # A string the catalog does not know keeps Qt's own text rather than an empty label.
    assert QCoreApplication.translate("QPlatformTheme", "OK") == "OK"
    assert QCoreApplication.translate("QPlatformTheme", "Restore Defaults") == "Restore Defaults"
