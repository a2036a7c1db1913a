"""The offline page: one self-contained HTML file of a diagram (``page``), made of the page's
own ES modules inlined as an import map of ``data:`` URLs (``bundle``)."""

from app.offline.page import OfflinePage, Options, offline_from_query, offline_page

__all__ = ["OfflinePage", "Options", "offline_from_query", "offline_page"]
