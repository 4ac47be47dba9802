"""The main window: navigation over the areas that exist, and a status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.i18n import _
from app.models.clock import format_local, now
from app.models.hub_store import is_hub
from app.models.users import role_label
from app.ui.audit_screen import AuditScreen
from app.ui.backup_jobs import start_daily_backup
from app.ui.consignment_screen import ConsignmentScreen
from app.ui.hub_screens import hub_areas
from app.ui.journal_page import JournalPage
from app.ui.members_screen import MembersScreen
from app.ui.products_screen import ProductsScreen
from app.ui.purchasing_screen import PurchasingScreen
from app.ui.reports_screen import ReportsScreen
from app.ui.session import Session
from app.ui.settings_screen import SettingsScreen
from app.ui.stock_screen import StockScreen
from app.ui.till_screen import TillScreen
from app.ui.users_screen import UsersScreen

#: Areas with a key of their own rather than a number.
OWN_KEYS = {"journal": "Ctrl+J"}
#: The daily backup waits this long after the window opens (the first screen first).
DAILY_BACKUP_DELAY_MS = 3000


class MainWindow(QMainWindow):
    logout_requested = Signal(bool)

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.resize(1280, 760)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(210)
        self.stack = QStackedWidget()
        self.screens: dict[str, QWidget] = {}

        areas = []
        if session.can("sale.sell"):
            areas.append(("till", _("Kasir"), lambda: TillScreen(session)))
        areas.append(("products", _("Produk"), lambda: ProductsScreen(session)))
        if session.can("audit.view"):
            areas.append(("audit", _("Log audit"), lambda: AuditScreen(session)))
        if session.can("user.manage"):
            areas.append(("users", _("Akun pengguna"), lambda: UsersScreen(session)))
        # After the older areas, so their Ctrl+number keys stay what people learned.
        if any(session.can(p) for p in ("purchase.manage", "goods.receive", "payable.pay",
                                        "preorder.take")):
            areas.append(("purchasing", _("Pembelian"), lambda: PurchasingScreen(session)))
        if any(session.can(p) for p in ("stock.count", "stock.handle", "stock.adjust",
                                        "report.stock")):
            areas.append(("stock", _("Stok"), lambda: StockScreen(session)))
        if session.can("consignment.manage") or session.can("consignment.settle"):
            areas.append(("consignment", _("Titipan"), lambda: ConsignmentScreen(session)))
        if session.can("report.finance") or session.can("report.stock"):
            areas.append(("reports", _("Laporan"), lambda: ReportsScreen(session)))
        # Settings stay last: set once, seldom opened again.
        areas.append(("settings", _("Pengaturan gerai"),
                      lambda: SettingsScreen(session, on_saved=self.refresh_status)))
        # Areas added since come after settings, so every Ctrl+number people learned stays
        # (the tenth is Ctrl+0).
        if session.can("member.edit") or session.can("member.office"):
            areas.append(("members", _("Anggota"), lambda: MembersScreen(session)))
        # The treasurer's journal has a letter of its own: a manager's eleventh area would
        # have no number left.
        if session.can("journal.edit"):
            areas.append(("journal", _("Jurnal & biaya"), lambda: JournalPage(session)))
        # A district office's database opens the hub's screens instead of the shop's.
        if is_hub(session.db):
            areas = hub_areas(session)
        self._factories = {}
        for number, (key, label, factory) in enumerate(areas, start=1):
            sequence = OWN_KEYS.get(key, f"Ctrl+{number % 10}")
            item = QListWidgetItem(f"{label}  ({sequence})")
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self._factories[key] = factory
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.activated.connect(lambda row=number - 1: self.go_to(row))
        logout = QShortcut(QKeySequence("Ctrl+L"), self)
        logout.activated.connect(self.logout)
        self.nav.currentRowChanged.connect(self._show_area)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

        self.status_shop, self.status_user = QLabel(), QLabel()
        self.status_time, self.status_db = QLabel(), QLabel()
        bar = self.statusBar()
        bar.addWidget(self.status_shop)
        bar.addWidget(self.status_user)
        bar.addWidget(self.status_time)
        self.status_backup = QLabel()
        self.status_backup.setObjectName("status_backup")
        bar.addPermanentWidget(self.status_backup)
        bar.addPermanentWidget(self.status_db)
        self._clock = QTimer(self, interval=15_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self.refresh_status()
        # Who sells starts at the till; who does not but keeps the books (the treasurer, the
        # supervisor) starts where the reports are printed.
        keys = [key for key, _label, _factory in areas]
        start = "reports" if (not session.can("sale.sell") and "reports" in keys
                              and session.can("report.finance")) else keys[0]
        self.nav.setCurrentRow(keys.index(start))
        # Once the first screen is up: the daily backup, if due, off the GUI thread.
        QTimer.singleShot(DAILY_BACKUP_DELAY_MS, self, self._daily_backup)

    def _daily_backup(self) -> None:
        start_daily_backup(self.session.db, self.status_backup.setText)

    def _show_area(self, row: int) -> None:
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        if key not in self.screens:
            self.screens[key] = self._factories[key]()
            self.stack.addWidget(self.screens[key])
        self.stack.setCurrentWidget(self.screens[key])
        self.screens[key].setFocus()

    def go_to(self, row: int) -> None:
        """Ctrl+number: that area, with the keyboard in it (also when it is already shown)."""
        if self.nav.currentRow() == row:
            self._show_area(row)
        else:
            self.nav.setCurrentRow(row)

    def screen(self, key: str) -> QWidget:
        row = next(i for i in range(self.nav.count())
                   if self.nav.item(i).data(Qt.ItemDataRole.UserRole) == key)
        self.nav.setCurrentRow(row)
        return self.screens[key]

    def refresh_status(self) -> None:
        s = self.session
        self.setWindowTitle(_("Gerai — {shop}").format(shop=s.settings.shop_name))
        self.status_shop.setText(f"{s.settings.shop_name} ({s.settings.shop_code})")
        self.status_user.setText(_("Pengguna: {name} ({role}) · Ctrl+L keluar").format(
            name=s.user.full_name, role=role_label(s.user.role)))
        self.status_db.setText(_("Basis data: {path}").format(path=s.db.path))
        self._tick()

    def _tick(self) -> None:
        self.status_time.setText(format_local(now(), self.session.settings.zone))

    def logout(self) -> None:
        self.logout_requested.emit(True)
        self.close()
