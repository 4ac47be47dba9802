"""Gerai: the offline shop system for village cooperative staple-goods shops.

Layers: ``app.models`` (domain and SQL), ``app.reports`` and ``app.sync`` (read the
domain), ``app.ui`` (Qt only). ``app.i18n`` is shared by all of them.
"""

__version__ = "0.6.0"
