"""The public pages every anonymous visitor sees alike (the plan catalogue, the cutoffs), kept a
short while and answered without the database.

A kept page is found by its address alone; it is served while the exam's publication stamp is
the one it was made under (the stamp is read again at most every ``PUBLIC_CHECK_SECONDS``) and it
is younger than ``PUBLIC_PAGE_SECONDS`` (``services.published.cache``). A signed-in user, or one
with a message waiting to be shown, gets their own page, neither kept nor taken from the kept
ones. A page is kept gzip-compressed and sent so to browsers that accept it (a tenth of the
bytes on a phone; unpacked for the others). It carries an ETag: a browser asking again with it
gets 304 without the page.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response, request, session
from flask_login import current_user

from admissions.services.published import cache
from admissions.services.published.exams import EXAM_CODE_LENGTH

HTML = "text/html; charset=utf-8"
# Anyone may keep the page, but must ask again before each use (a publication shows within the
# documented delay, whatever the browser or proxy).
CACHE_CONTROL = "public, no-cache"


def _shared() -> bool:
    return not current_user.is_authenticated and not session.get("_flashes")


def shared_page(code: str, render: Callable[[], Any]) -> Any:
    """The kept page at this address when still fresh, else ``render()`` — kept when it is a
    page (a string); an error page or a download is never kept."""
    if len(code) > EXAM_CODE_LENGTH or not _shared():
        return render()
    stamp = cache.publication_stamp(code)  # read before the page is made: the page is as new
    if stamp is None:
        return render()
    key = f"page:{request.full_path}"
    kept = cache.get(key, stamp)
    if kept is None:
        result = render()
        if not isinstance(result, str):
            return result
        body = result.encode()
        kept = (gzip.compress(body, mtime=0), hashlib.sha256(body).hexdigest()[:32])
        cache.put(key, stamp, kept)
    return _response(*kept)


def _response(compressed: bytes, etag: str) -> Response:
    """The kept page, as kept (gzip) when the browser accepts it, else unpacked."""
    if request.accept_encodings["gzip"]:
        response = Response(compressed, content_type=HTML)
        response.content_encoding = "gzip"
        response.set_etag(etag + "-gzip")
    else:
        response = Response(gzip.decompress(compressed), content_type=HTML)
        response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.update(("Cookie", "Accept-Encoding"))
    return response.make_conditional(request)
