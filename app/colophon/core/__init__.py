"""The Qt-free core of Colophon: catalog, hashing, keys, bundles, verification, scanning.

Nothing in this package may import PySide6; the CLI and data pipelines run headless on it.
"""
