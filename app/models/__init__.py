"""The domain and its storage: the only place that writes SQL.

May import the standard library, sqlite-utils, argon2, stdnum, uuid_utils, segno and
``app.i18n``;
never Qt, and nothing from ``app.ui``, ``app.reports`` or ``app.sync``.
A business event is one function here, taking the acting user first, run in one
``atomic()`` transaction.
"""
