"""Pages of long PDFs written quickly: thousands of letters or list pages share one resource
dictionary, and each page's dictionary and content stream is written from a template.

reportlab formats every page through its generic dictionary objects (sorted keys, a name
object per key, a copy of the resources per page): for 5,000 letters that was most of the time
spent saving. `finish_pages` is called just before `canvas.save()`; a page that uses anything
the template does not write (annotations, transitions, rotation, transparency, colour spaces,
other boxes) keeps reportlab's way.
"""

from __future__ import annotations

import zlib
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

_OWN_KEYS = ("Annots", "CropBox", "ArtBox", "BleedBox", "TrimBox", "Dur", "Thumb", "AA", "B")


class _Stream(pdfdoc.PDFStream):
    """A page's content stream, compressed (binary: reportlab's default ASCII85 layer on top
    only made it a quarter larger and slower to write)."""

    def format(self, document: Any) -> bytes:
        content = self.content.encode("utf-8") if isinstance(self.content, str) else self.content
        packed = zlib.compress(content)
        return b"<<\n/Filter [ /FlateDecode ] /Length %d\n>>\nstream\n%sendstream\n" % (
            len(packed),
            packed,
        )


class _Page(pdfdoc.PDFPage):
    """A page whose dictionary is the template with its content stream's number filled in."""

    template: bytes = b""  # set per document: b"... /Contents %s ..."

    def format(self, document: Any) -> bytes:
        contents = document.Reference(self.Contents).format(document)
        return self.template % contents


def finish_pages(canvas: Canvas) -> None:
    """Share one resource dictionary between the canvas's pages and write the plain ones from a
    template. Call just before `canvas.save()`."""
    doc = canvas._doc
    quick = isinstance(doc.encrypt, pdfdoc.NoEncryption)
    shared: dict[tuple[bool, tuple[str, ...]], Any] = {}
    templates: dict[tuple[Any, ...], bytes] = {}
    parent = doc.Reference(doc.Pages).format(doc)
    for page in doc.Pages.pages:
        if page.Resources or page.ExtGState or page._colorsUsed or page._shadingUsed:
            continue
        forms = tuple(sorted(page.XObjects.dict)) if page.XObjects else ()
        key = (bool(page.hasImages), forms)
        reference = shared.get(key)
        if reference is None:
            reference = shared[key] = doc.Reference(_resources(page))
        page.Resources = reference
        if not quick or not _plain(page):
            continue
        size = (page.pagewidth, page.pageheight)
        template = templates.get((key, size))
        if template is None:
            box = pdfdoc.format(pdfdoc.PDFArray([0, 0, *size]), doc)
            resources = reference.format(doc)
            template = templates[(key, size)] = (
                b"<<\n/Contents %%s /MediaBox %s /Parent %s /Resources %s /Type /Page\n>>"
                % (box, parent, resources)
            )
        page.Contents = _Stream(content=page.stream)
        page.__class__ = _Page
        page.template = template


def _resources(page: Any) -> Any:
    resources = pdfdoc.PDFResourceDictionary()
    resources.basicFonts()
    resources.allProcs() if page.hasImages else resources.basicProcs()
    if page.XObjects:
        resources.XObject = page.XObjects
    return resources


def _plain(page: Any) -> bool:
    """True when the page has nothing but a compressed stream, a size and resources."""
    if type(page) is not pdfdoc.PDFPage or not page.compression or page.Contents:
        return False
    if page.Rotate not in (0, None) or page.MediaBox or page.stream is None:
        return False
    if page.Trans is not None and page.Trans.dict:
        return False
    return not any(getattr(page, name, None) for name in _OWN_KEYS)
