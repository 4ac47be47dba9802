"""Laporan: the treasurer picks a report with the arrows, sets the period and the format,
and saves it with Ctrl+S or Enter — by keys only. The file is written off the GUI thread and
read back here; a period that cannot be printed is said on the screen and nothing is written.
"""

from __future__ import annotations

import subprocess
from datetime import timedelta

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from app.models import stock_views
from app.models.clock import day_text, local_date, now_iso
from app.models.errors import PermissionDenied
from app.models.users import can
from app.reports.document_pdf import period_text
from app.reports.xlsx import RUPIAH_FORMAT
from app.ui.main_window import MainWindow
from app.ui.reports_screen import AS_OF, NOW, PERIOD, ReportsScreen, report_kinds

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
HEADER_ROW = 5      # letterhead, title, period, printed by, then the header


@pytest.fixture
def opened(monkeypatch) -> list:
    """Files the screen opens in the system's viewer (to print them), not opened here."""
    urls: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(urls.append))
    return urls


@pytest.fixture
def out(tmp_path):
    """Where the reports are saved (tmp_path itself holds the shop's database)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def asked(monkeypatch, out) -> list:
    """The save dialog answered with the suggested name in ``out``; what was suggested is
    kept (an empty list: the person was never asked)."""
    names: list = []

    def answer(_parent, _title, name, filters):
        names.append((name, filters))
        return str(out / name), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return names


def open_screen(keys, session) -> ReportsScreen:
    screen = ReportsScreen(session)
    screen.resize(1000, 640)
    keys.show(screen, screen)      # as the main window does: the keyboard in the list
    return screen


def titles(screen: ReportsScreen) -> list[str]:
    return [screen.list.item(i).text() for i in range(screen.list.count())]


def pick(keys, screen: ReportsScreen, title: str) -> None:
    """Down from the top of the list until ``title`` is selected, as the treasurer would."""
    assert keys.focused() is screen.list
    keys.press(Key.Key_Home)
    for _ in range(screen.list.count()):
        if screen.current().title == title:
            return
        keys.press(Key.Key_Down)
    raise AssertionError(f"{title} is not in the list: {titles(screen)}")


def today(session):
    return local_date(now_iso(), session.settings.zone)


# --- saving --------------------------------------------------------------------------------


def test_the_treasurer_saves_the_stock_valuation_as_xlsx_by_keys(
        bendahara_session, keys, qtbot, asked, opened, out):
    db = bendahara_session.db
    screen = open_screen(keys, bendahara_session)
    pick(keys, screen, "Nilai persediaan")
    assert screen.title.text() == "Nilai persediaan"
    assert "HPP" in screen.description.text()
    # The state of the shop now: no days to type, Tab goes straight to the format.
    assert not screen.date_from.isVisible() and not screen.date_to.isVisible()
    keys.press(Key.Key_Tab)
    assert keys.focused() is screen.format
    assert screen.format.currentData() == "pdf"
    keys.press(Key.Key_Down)
    assert screen.format.currentData() == "xlsx"
    keys.press(Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)

    name = f"nilai-persediaan-{today(bendahara_session):%Y%m%d}.xlsx"
    assert asked[0][0] == name
    assert asked[0][1].startswith("Excel (*.xlsx)")      # the chosen format first
    target = out / name
    assert [url.toLocalFile() for url in opened] == [str(target)]
    assert sorted(p.name for p in out.iterdir()) == [name]   # no part file left
    ws = openpyxl.load_workbook(target)["Persediaan"]
    assert [c.value for c in ws[HEADER_ROW]] == [
        "Kategori", "Produk", "Satuan", "Stok", "HPP per satuan (Rp)", "Nilai (Rp)"]
    rows = list(ws.iter_rows(min_row=HEADER_ROW + 1))
    body, total = rows[:-1], rows[-1]
    assert total[0].value == "Total"
    ledger = sum(c.value for c in stock_views.valuation(db))
    assert ledger > 0
    assert sum(r[5].value for r in body) == ledger == total[5].value
    assert all(isinstance(r[5].value, int) and r[5].number_format == RUPIAH_FORMAT
               for r in body)
    assert str(target) in screen.status.text()
    assert keys.focused() is screen.list                  # ready for the next report


def test_enter_in_the_period_saves_the_susut_report_for_the_days_typed(
        bendahara_session, keys, qtbot, asked, opened, out):
    screen = open_screen(keys, bendahara_session)
    pick(keys, screen, "Laporan susut")
    first = today(bendahara_session).replace(day=1)
    assert screen.date_from.text() == day_text(first)               # this month so far
    assert screen.date_to.text() == day_text(today(bendahara_session))
    keys.press(Key.Key_Tab)
    assert keys.focused() is screen.date_from
    keys.press(Key.Key_Tab)
    assert keys.focused() is screen.date_to
    keys.press(Key.Key_A, CTRL)
    last = today(bendahara_session) - timedelta(days=1) if first < today(
        bendahara_session) else first
    keys.type(day_text(last))
    keys.press(Key.Key_Return)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    name = f"susut-{first:%Y%m%d}-{last:%Y%m%d}.pdf"
    assert asked[0][0] == name
    text = subprocess.run(["pdftotext", "-layout", str(out / name), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "LAPORAN SUSUT" in text
    assert period_text(first, last) in text


def test_a_cancelled_file_name_writes_nothing(bendahara_session, keys, monkeypatch, opened,
                                             out):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_args: ("", "")))
    screen = open_screen(keys, bendahara_session)
    pick(keys, screen, "Stok menipis")
    keys.press(Key.Key_Return)
    assert list(out.iterdir()) == [] and opened == []
    assert screen.status.text() == ""
    assert keys.focused() is screen.list


# --- periods that cannot be printed ---------------------------------------------------------


@pytest.mark.parametrize("first, last, field, message", [
    (lambda t: t, lambda t: t - timedelta(days=1), "date_from",
     "Tanggal awal sesudah tanggal akhir."),
    (lambda t: t, lambda t: t + timedelta(days=1), "date_to",
     "Periode belum berakhir: tanggal akhir sesudah hari ini."),
    (lambda t: "31-02-2026", lambda t: t, "date_from",
     'Tanggal awal tidak valid: "31-02-2026". Tulis mis. 31-12-2027.'),
    (lambda t: "", lambda t: t, "date_from", "Tanggal awal belum diisi."),
], ids=["reversed", "future", "not-a-day", "empty"])
def test_a_period_that_cannot_be_printed_is_said_on_the_screen_and_nothing_is_written(
        bendahara_session, keys, asked, opened, out, first, last, field, message):
    screen = open_screen(keys, bendahara_session)
    pick(keys, screen, "Titipan per penitip")
    t = today(bendahara_session)
    for widget, value in ((screen.date_from, first(t)), (screen.date_to, last(t))):
        widget.setFocus()
        keys.press(Key.Key_A, CTRL)
        keys.press(Key.Key_Delete)
        keys.type(value if isinstance(value, str) else day_text(value))
    keys.press(Key.Key_S, CTRL)

    error = screen.errors[field]
    assert error.isVisible() and error.text() == message
    assert keys.focused() is getattr(screen, field)         # the cursor where to fix it
    assert asked == [] and opened == []                      # never asked for a file name
    assert list(out.iterdir()) == []
    # Typing again clears the message.
    keys.type("1")
    assert not error.isVisible()


def test_a_day_in_the_future_for_an_aging_report_is_refused_as_well(
        bendahara_session, keys, asked, out):
    screen = open_screen(keys, bendahara_session)
    aging = [k for k in screen.kinds if k.period == AS_OF]
    if not aging:
        pytest.skip("the aging reports are not in this build yet")
    pick(keys, screen, aging[0].title)
    assert not screen.date_from.isVisible() and screen.to_label.text() == "Per tanggal"
    keys.press(Key.Key_Tab)
    assert keys.focused() is screen.date_to
    keys.press(Key.Key_A, CTRL)
    keys.type(day_text(today(bendahara_session) + timedelta(days=3)))
    keys.press(Key.Key_Return)
    assert screen.errors["date_to"].isVisible()
    assert asked == [] and list(out.iterdir()) == []


# --- who sees what ----------------------------------------------------------------------------


def test_a_cashier_has_no_reports_area(login, keys):
    window = MainWindow(login("kasir"))
    keys.show(window)
    areas = [window.nav.item(i).data(Qt.ItemDataRole.UserRole)
             for i in range(window.nav.count())]
    assert "reports" not in areas
    assert not any(isinstance(s, ReportsScreen) for s in window.screens.values())


@pytest.mark.parametrize("role", ["kasir", "bendahara", "pengawas", "manajer"])
def test_the_list_shows_only_the_reports_the_role_may_print(login, keys, role):
    session = login(role)
    screen = open_screen(keys, session)
    allowed = [k.title for k in report_kinds()
               if k.write is not None and can(session.user, k.permission)]
    assert titles(screen) == allowed
    if role == "kasir":
        assert allowed == []
        assert screen.title.text() == "Tidak ada laporan yang dapat Anda cetak."
        assert not screen.save_button.isEnabled() and not screen.format.isVisible()
    else:
        assert {"Nilai persediaan", "Titipan per penitip", "Laporan susut"} <= set(allowed)


def test_what_is_hidden_from_a_cashier_is_refused_by_each_report_itself(
        kasir_session, shop_db, tmp_path):
    """Hiding is not the guard: every report of the table refuses a cashier and writes
    nothing."""
    t = today(kasir_session)
    for kind in (k for k in report_kinds() if k.write is not None):
        target = tmp_path / f"{kind.key}.csv"
        with pytest.raises(PermissionDenied):
            kind.write(shop_db, target, "csv", t.replace(day=1), t, kasir_session.user)
        assert not target.exists()


def test_every_report_in_the_list_is_written_with_the_period_it_was_given(
        bendahara_session, qtbot, tmp_path):
    """Each row's adapter hands the writer its arguments in the writer's own order: the
    paper shows the period (or the day) asked for, the spreadsheet is made too."""
    db, user = bendahara_session.db, bendahara_session.user
    t = today(bendahara_session)
    first = t.replace(day=1)
    screen = ReportsScreen(bendahara_session)
    qtbot.addWidget(screen)
    for kind in screen.kinds:
        if "pdf" not in kind.formats:     # the SIMKOPDES export: a workbook and its CSVs
            written = kind.write(db, tmp_path / f"{kind.key}.xlsx", "xlsx", first, t, user)
            assert written.stat().st_size > 0, kind.key
            continue
        pdf = kind.write(db, tmp_path / f"{kind.key}.pdf", "pdf", first, t, user)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        if kind.period == PERIOD:
            assert period_text(first, t) in text, kind.key
        elif kind.period == AS_OF:
            assert f"{t:%d/%m/%Y}" in text, kind.key
        else:
            assert kind.period == NOW
        for fmt in kind.formats[1:]:
            assert kind.write(db, tmp_path / f"{kind.key}.{fmt}", fmt, first, t,
                              user).stat().st_size > 0, kind.key


# --- keys ---------------------------------------------------------------------------------


def test_up_and_down_show_each_reports_options(bendahara_session, keys):
    screen = open_screen(keys, bendahara_session)
    seen = []
    keys.press(Key.Key_Home)
    for _ in range(screen.list.count()):
        kind = screen.current()
        seen.append(kind.key)
        assert screen.title.text() == kind.title
        assert screen.description.text() == kind.description
        assert screen.date_from.isVisibleTo(screen) == (kind.period == PERIOD)
        assert screen.date_to.isVisibleTo(screen) == (kind.period != NOW)
        assert [screen.format.itemData(i) for i in range(screen.format.count())] == list(
            kind.formats)
        keys.press(Key.Key_Down)
    assert seen == [k.key for k in screen.kinds]
    keys.press(Key.Key_Up)
    assert screen.current() is screen.kinds[-2]


def test_the_treasurers_window_opens_on_the_reports_with_the_cursor_in_the_list(
        bendahara_session, keys):
    window = MainWindow(bendahara_session)
    keys.show(window)
    screen = window.stack.currentWidget()
    assert isinstance(screen, ReportsScreen)
    assert keys.focused() is screen.list
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    # Areas added later (Anggota) come after settings: these keep their numbers.
    assert labels[5:7] == ["Laporan  (Ctrl+6)", "Pengaturan gerai  (Ctrl+7)"]


def test_the_simkopdes_export_leaves_its_workbook_and_csv_folder_where_asked(
        bendahara_session, keys, qtbot, asked, opened, out):
    """The export writes a folder of CSVs beside its workbook, atomically by itself: the
    screen hands it the chosen name (not a hidden temporary one)."""
    screen = open_screen(keys, bendahara_session)
    pick(keys, screen, "Ekspor SIMKOPDES")
    keys.press(Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=30_000)
    name = asked[0][0]
    assert name.startswith("simkopdes-") and name.endswith(".xlsx")
    workbook = out / name
    folder = out / (workbook.stem + "-csv")
    assert workbook.exists() and folder.is_dir()
    assert (folder / "transaksi_penjualan.csv").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
