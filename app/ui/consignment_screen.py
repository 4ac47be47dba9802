"""Titipan: goods local producers (UMKM) leave at the shop to sell — the producers, the
goods in the shop, and settling with the producers.

Tabs (Alt+1, Alt+2, Alt+3), each with its keys on its buttons. What a person sees follows
their permissions: the manager (consignment.manage) takes goods in, gives them back and
counts them; the treasurer (consignment.settle) sees the producers and settles with them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QTabWidget,
)

from app.i18n import _, ngettext
from app.models.consignment_settlement import unsettled_due
from app.models.consignors import Consignor, list_consignors, period_label
from app.models.consignors import set_archived as archive_consignor
from app.models.money import format_number
from app.ui.consignment_pages import BatchesPage
from app.ui.consignment_settlement_page import SettlementPage
from app.ui.consignor_dialog import ConsignorDialog
from app.ui.intake_dialog import IntakeDialog
from app.ui.lists import RecordsPage, fill, shortcut
from app.ui.session import Session
from app.ui.stock_pages import back_to


class ConsignorsPage(RecordsPage):
    def __init__(self, session: Session, parent=None):
        super().__init__(session, parent, name="consignors",
                         placeholder=_("Cari nama atau desa (Ctrl+F)"),
                         headers=[_("Nama"), _("Desa / kelurahan"), _("Bagi hasil"),
                                  _("Periode"), _("Belum dibayar (Rp)"),
                                  _("Belum diselesaikan (Rp)")],
                         widths=[220, 0, 130, 120, 140, 170], stretch=1)
        self.manage = session.can("consignment.manage")
        self.message = self.note
        self.message.setObjectName("consignors_message")
        self.lay_out((
            (_("Tambah"), "F2", self.add, self.manage),
            (_("Ubah"), "F4", self.edit, self.manage),
            (_("Nota titip"), "F7", self.intake, self.manage),
            (_("Arsipkan / pulihkan"), "F8", self.toggle_archived, self.manage)))

    def refresh(self) -> None:
        db = self.session.db
        self.records = list_consignors(db, self.search.text(),
                                       include_archived=self.show_archived.isChecked())
        fill(self.table, [(
            c.name + (" " + _("(arsip)") if c.archived else ""), c.village,
            c.terms_text if c.terms == "percent" else _("Harga tetap"),
            period_label(c.period), format_number(c.balance),
            format_number(unsettled_due(db, c.id))) for c in self.records], right=(4, 5))
        n = len(self.records)
        self.message.setText(ngettext("{n} penitip", "{n} penitip", n).format(n=n))

    def select(self, consignor_id: str) -> None:
        self.table.selectRow(next((i for i, c in enumerate(self.records)
                                   if c.id == consignor_id), 0))

    def add(self) -> None:
        self._open(None)

    def edit(self) -> None:
        """Enter on a producer: their form (to read only, for the treasurer)."""
        if self.selected() is not None:
            self._open(self.selected())

    def _open(self, consignor: Consignor | None) -> None:
        dialog = ConsignorDialog(self.session, consignor, self, read_only=not self.manage)
        if dialog.exec() and dialog.saved:
            self.refresh()
            self.select(dialog.saved.id)
            self.message.setText(_("Penitip {name} tersimpan.").format(name=dialog.saved.name))
        back_to(self.table)

    def intake(self) -> None:
        consignor = self.selected()
        dialog = IntakeDialog(self.session, consignor.id if consignor else None, self)
        if dialog.exec() and dialog.intake_id:
            self.refresh()
            self.message.setText(_("Nota titip {number} tersimpan.").format(
                number=dialog.number))
        back_to(self.table)

    def archive_question(self, consignor: Consignor) -> tuple[str, str]:
        return _("Arsip penitip"), (_("Pulihkan {name}?") if consignor.archived else _(
            "Arsipkan {name}? Penitip tidak muncul lagi di nota titip baru; riwayatnya tetap"
            " tersimpan.")).format(name=consignor.name)

    def set_archived(self, consignor: Consignor, archived: bool) -> None:
        archive_consignor(self.session.db, user=self.session.user, consignor_id=consignor.id,
                          archived=archived)


class ConsignmentScreen(QTabWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("consignment")
        manage, settle = session.can("consignment.manage"), session.can("consignment.settle")
        self.consignors = ConsignorsPage(session) if manage or settle else None
        self.batches = BatchesPage(session) if manage else None
        self.settlement = SettlementPage(session) if settle else None
        pages = [(self.consignors, _("Penitip")), (self.batches, _("Barang titipan")),
                 (self.settlement, _("Penyelesaian"))]
        for number, (page, label) in enumerate([p for p in pages if p[0] is not None],
                                               start=1):
            self.addTab(page, f"{label}  (Alt+{number})")
            shortcut(self, f"Alt+{number}", lambda i=number - 1: self.go_to(i))
        self.currentChanged.connect(self._shown)
        self._shown(0)

    def go_to(self, index: int) -> None:
        if self.currentIndex() == index:
            self._shown(index)
        else:
            self.setCurrentIndex(index)

    def _shown(self, index: int) -> None:
        """Each time a tab is shown it reads the shop again (an intake changes the goods, a
        sale what is due)."""
        page = self.widget(index)
        if page is None:
            return
        page.refresh()
        self.setFocusProxy(page)
        page.setFocus()
