"""Anggota: the member register and the members' money at the office.

The list (Alt+1) finds a member by name, number, card, or their NIK or phone typed in full
(never shown in full: the list masks them), filtered by status and village; Enter shows the
member's bon, savings and purchases (Alt+2, Esc back). Keys, on both: F2 new member ·
F4 edit · F5 savings paid in · F6 sukarela taken out · F7 bon paid off · F8 the member's
card (Shift+F8 every active member's) · F9 their statement · Ctrl+F search.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models.errors import UserError
from app.models.member_views import savings_by_member
from app.models.members import STATUSES, Member, get_member, list_members, status_label, villages
from app.models.money import format_number
from app.reports.member_papers import write_member_cards, write_member_statement
from app.ui.errors import on_error
from app.ui.lists import enter_opens, fill, list_table, shortcut
from app.ui.member_detail_page import MemberDetailPage
from app.ui.member_dialog import MemberFormDialog
from app.ui.member_money_dialog import MemberMoneyDialog
from app.ui.report_files import save_report
from app.ui.session import Session
from app.ui.stock_pages import back_to
from app.ui.widgets import key_button

#: How many members the list shows at once; a search finds the others.
LIST_LIMIT = 500


class MembersList(QWidget):
    """The register: search, status and village filters over the list."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.records: list[Member] = []
        self.search = QLineEdit()
        self.search.setObjectName("member_search")
        self.search.setPlaceholderText(_("Cari nama, nomor, kartu, atau NIK/telepon lengkap"
                                         " (Ctrl+F)"))
        self.status = QComboBox()
        self.status.setObjectName("status_filter")
        self.status.addItem(_("Semua status"), None)
        for status in STATUSES:
            self.status.addItem(status_label(status), status)
        self.village = QComboBox()
        self.village.setObjectName("village_filter")
        self.table = list_table("members", [
            _("Nomor"), _("Nama"), _("Desa / kelurahan"), _("Status"), _("NIK"),
            _("Telepon"), _("Bon (Rp)"), _("Simpanan (Rp)")],
            [80, 0, 150, 90, 140, 125, 95, 110], stretch=1)
        self.note = QLabel()
        self.note.setObjectName("members_message")
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(self.village)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.setFocusProxy(self.search)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.search.returnPressed.connect(self.to_table)
        self.search.installEventFilter(self)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.village.currentIndexChanged.connect(lambda _i: self.refresh())
        shortcut(self, "Ctrl+F", self.focus_search)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if (watched is self.search and event.type() == event.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            self.to_table()
            return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def to_table(self) -> None:
        if self.records:
            self.table.setFocus()
            self.table.selectRow(max(self.table.currentRow(), 0))

    def _fill_villages(self) -> None:
        """The villages members live in, kept as chosen when a new one appears."""
        chosen = self.village.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(_("Semua desa"), None)
        for name in villages(self.session.db):
            self.village.addItem(name, name)
        self.village.setCurrentIndex(max(self.village.findData(chosen), 0))
        self.village.blockSignals(False)

    def refresh(self) -> None:
        db = self.session.db
        self._fill_villages()
        self.records = list_members(db, status=self.status.currentData(),
                                    village=self.village.currentData(),
                                    text=self.search.text(), limit=LIST_LIMIT)
        saved = savings_by_member(db)
        fill(self.table, [(
            m.number, m.name, m.village, status_label(m.status), m.nik_masked, m.phone_masked,
            format_number(m.balance), format_number(saved.get(m.id, 0)))
            for m in self.records], right=(6, 7))
        n = len(self.records)
        if n == LIST_LIMIT:
            self.note.setText(_("{n} anggota pertama; ketik nama atau nomor untuk yang"
                                " lain.").format(n=n))
        elif n or not self.search.text().strip():
            self.note.setText(ngettext("{n} anggota", "{n} anggota", n).format(n=n))
        else:
            self.note.setText(_("Tidak ada anggota yang cocok. NIK dan telepon dicari hanya"
                                " bila diketik lengkap."))

    def selected(self) -> Member | None:
        row = self.table.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def select(self, member_id: str) -> None:
        row = next((i for i, m in enumerate(self.records) if m.id == member_id), None)
        if row is not None:
            self.table.selectRow(row)


class MembersScreen(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("members")
        self.list = MembersList(session)
        self.detail = MemberDetailPage(session)
        self.tabs = QTabWidget()
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+1, Alt+2
        self.tabs.addTab(self.list, _("Daftar anggota  (Alt+1)"))
        self.tabs.addTab(self.detail, _("Rincian anggota  (Alt+2)"))
        self.tabs.currentChanged.connect(self._shown)
        shortcut(self, "Alt+1", lambda: self.go_to(0))
        shortcut(self, "Alt+2", lambda: self.go_to(1))
        enter_opens(self.list.table, lambda: self.go_to(1))
        edit, office = session.can("member.edit"), session.can("member.office")
        cards = edit or session.can("report.finance")
        statement = office or session.can("report.finance")
        keys = QHBoxLayout()
        for text, key, slot, allowed in (
                (_("Anggota baru"), "F2", self.add, edit),
                (_("Ubah"), "F4", self.edit, edit),
                (_("Setor simpanan"), "F5", lambda: self.money("deposit"), office),
                (_("Tarik sukarela"), "F6", lambda: self.money("withdraw"), office),
                (_("Bayar bon"), "F7", lambda: self.money("bon"), office),
                (_("Kartu anggota"), "F8", self.card, cards),
                (_("Kartu semua"), "Shift+F8", self.all_cards, cards),
                (_("Rekening"), "F9", self.statement, statement)):
            button = key_button(text, key, self, slot)
            button.setObjectName(f"key_{key}")
            button.setVisible(allowed)
            keys.addWidget(button)
        keys.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(keys)
        self.setFocusProxy(self.list)
        self.refresh()
        self.list.search.setFocus()

    def showEvent(self, event):  # noqa: N802 (Qt API)
        """Each time the screen is shown it reads the register again (the till takes money
        and gives bon while it is away)."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self.list.refresh()
        if self.tabs.currentIndex() == 1:
            self.detail.refresh()

    def go_to(self, index: int) -> None:
        if index == 1:
            member = self.list.selected()
            if member is None:
                return
            self.detail.show_member(member.id)
        self.tabs.setCurrentIndex(index)
        self._shown(index)

    def _shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        self.setFocusProxy(page)
        if index == 0:
            self.list.refresh()
            back_to(self.list.table if self.list.records else self.list.search)
        else:
            page.setFocus()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape and self.tabs.currentIndex() == 1:
            self.go_to(0)
            return
        super().keyPressEvent(event)

    def say(self, text: str) -> None:
        self.list.note.setText(text)

    def member(self) -> Member | None:
        """The member the keys act on: the one shown in detail, else the selected one."""
        if self.tabs.currentIndex() == 1 and self.detail.member_id:
            return get_member(self.session.db, self.detail.member_id)
        return self.list.selected()

    def _back(self) -> None:
        """After a dialog: the figures read again, the keyboard back where it was."""
        self.refresh()
        self._shown(self.tabs.currentIndex())

    # --- the keys -------------------------------------------------------------------------

    def add(self) -> None:
        self._open(None)

    def edit(self) -> None:
        member = self.member()
        if member is not None:
            self._open(member)

    def _open(self, member: Member | None) -> None:
        try:
            dialog = MemberFormDialog(self.session, member, self)
        except UserError as e:  # the key of the personal data is missing, say
            on_error(self, e)
            return
        if dialog.exec() and dialog.saved:
            self.list.refresh()
            self.list.select(dialog.saved.id)
            if self.tabs.currentIndex() == 1:
                self.detail.show_member(dialog.saved.id)
            self.say(_("Anggota {label} tersimpan.").format(label=dialog.saved.label))
            back_to(self.list.table if self.tabs.currentIndex() == 0 else self.detail)
            return
        self._back()

    def money(self, what: str) -> None:
        """F5/F6/F7 at the office: the money goes to the treasurer's cash or the bank."""
        member = self.member()
        if member is None:
            return
        action = None if what == "deposit" else what
        dialog = MemberMoneyDialog(self.session, member, action=action, parent=self)
        dialog.exec()
        self._back()
        if dialog.receipts:
            self.say(_("{label}: {receipts}").format(label=member.label,
                                                     receipts=dialog.summary()))

    def card(self) -> None:
        member = self.member()
        if member is not None:
            self._cards([member.id], f"kartu-{member.number}.pdf")

    def all_cards(self) -> None:
        self._cards(None, "kartu-anggota.pdf")

    def _cards(self, member_ids: list[str] | None, name: str) -> None:
        user = self.session.user
        path = save_report(self, self.session.db, _("Kartu anggota"), name,
                           lambda db, out, _fmt: write_member_cards(db, out, member_ids,
                                                                    printed_by=user))
        self._back()
        if path is not None:
            self.say(_("Tersimpan di {path}").format(path=path))

    def statement(self) -> None:
        """F9: the member's statement over the period of the detail page."""
        member = self.member()
        if member is None:
            return
        try:
            first, last = self.detail.period()
        except UserError as e:  # a period that is not a day
            on_error(self, e)
            return
        user = self.session.user
        path = save_report(
            self, self.session.db, _("Rekening anggota"), f"rekening-{member.number}.pdf",
            lambda db, out, fmt: write_member_statement(db, out, member.id, first, last, fmt,
                                                        printed_by=user),
            formats=("pdf", "xlsx", "csv"))
        self._back()
        if path is not None:
            self.say(_("Tersimpan di {path}").format(path=path))
