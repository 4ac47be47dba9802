"""PySide6 only: windows, dialogs and Qt models over domain queries.

May import ``app.models`` and ``app.i18n``; never sqlite3 or sqlite-utils, never SQL,
never arithmetic on money (formatting and parsing go through ``app.models.money``).
"""
