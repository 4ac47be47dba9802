"""Sync packages to and from the district office: export, import, signing, encryption, the hub.

Reads and writes through ``app.models``; never imports Qt.
"""
