"""Data files shipped with Colophon (icons, the bundle spec, its schema): see core/assets.py."""
