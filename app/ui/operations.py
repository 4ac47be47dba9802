"""Work longer than a blink (reports, imports) off the GUI thread: its own SQLite connection,
a busy bar with Cancel, and the result or the error back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.i18n import _
from app.models.db import open_db

#: Operations still running after their window stopped waiting (cancelled): kept alive
#: until their thread ends, so Qt never deletes a running thread.
_orphans: set = set()


class _Worker(QObject):
    finished = Signal(object, object)   # result, error

    def __init__(self, db_path: Path, job: Callable):
        super().__init__()
        self.db_path, self.job = db_path, job

    def run(self) -> None:
        result = error = None
        try:
            db = open_db(self.db_path, create=False, migrate=False)
            try:
                result = self.job(db)
            finally:
                db.close()
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread
            error = e
        self.finished.emit(result, error)


class Operation(QObject):
    """One job on its own thread (this object lives on the GUI thread, so the job's end is
    delivered there). ``wait()`` shows the busy bar and returns (done, result);
    ``done`` is False when the person cancelled. A job's ``error`` is re-raised by wait()."""

    def __init__(self, parent: QWidget | None, title: str, db_path: Path,
                 job: Callable, on_late_result: Callable[[object], None] | None = None):
        super().__init__()
        self.parent_widget, self.title = parent, title
        self.on_late_result = on_late_result
        self.outcome: tuple | None = None
        self.cancelled = False
        self.thread = QThread()
        self.worker = _Worker(Path(db_path), job)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.loop = QEventLoop()

    @Slot(object, object)
    def _finished(self, result, error) -> None:
        self.outcome = (result, error)
        self.thread.quit()
        if self.cancelled:
            if self.on_late_result is not None and error is None:
                self.on_late_result(result)
            self.thread.wait()
            _orphans.discard(self)
        else:
            self.loop.quit()

    def wait(self) -> tuple[bool, object]:
        progress = QProgressDialog(self.title, _("Batal"), 0, 0, self.parent_widget)
        progress.setObjectName("operation_progress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)   # a quick job never flashes a dialog
        progress.canceled.connect(self._cancel)
        # Shown only if the job takes longer than the minimum duration.
        show = QTimer(progress)
        show.setSingleShot(True)
        show.timeout.connect(lambda: self.outcome is None and progress.show())
        show.start(progress.minimumDuration())
        self.thread.start()
        if self.outcome is None:
            self.loop.exec()
        progress.reset()
        progress.deleteLater()
        if self.cancelled:
            return False, None
        self.thread.wait()
        result, error = self.outcome
        if error is not None:
            raise error
        return True, result

    def _cancel(self) -> None:
        if self.outcome is None:
            self.cancelled = True
            _orphans.add(self)
            self.loop.quit()


def run_operation(parent: QWidget | None, title: str, db_path: Path, job: Callable,
                  on_late_result: Callable[[object], None] | None = None) -> tuple[bool, object]:
    """Run ``job(db)`` on a worker thread with its own connection to ``db_path`` while a busy
    bar with Cancel shows; (True, result) when it ends, (False, None) when cancelled (a result
    that still comes goes to ``on_late_result``). The job's error is raised here."""
    return Operation(parent, title, db_path, job, on_late_result).wait()
