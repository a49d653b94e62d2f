"""A person at a browser, for tests against running servers: a cookie jar, the login form, the
CSRF token of a page, forms posted without following redirects."""

from __future__ import annotations

import re
import time

import requests

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Visitor:
    """One browser session against BASE (e.g. http://127.0.0.1:8000)."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        self.base = base.rstrip("/")
        self.http = requests.Session()
        self.timeout = timeout

    def url(self, path: str) -> str:
        """PATH on this visitor's server (an absolute URL is kept)."""
        return path if path.startswith("http") else self.base + path

    def get(self, path: str, **kwargs) -> requests.Response:
        """GET PATH, redirects not followed."""
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self.url(path), timeout=self.timeout, **kwargs)

    def csrf(self, path: str) -> str:
        """The CSRF token of the form on PATH."""
        response = self.get(path)
        match = CSRF.search(response.text)
        assert match, f"no CSRF token on {path} ({response.status_code})"
        return match.group(1)

    def post(self, path: str, data: dict, *, form_page: str | None = None, files=None):
        """POST the form DATA to PATH with the CSRF token of FORM_PAGE (else PATH)."""
        data = {"csrf_token": self.csrf(form_page or path), **data}
        return self.http.post(
            self.url(path), data=data, files=files, allow_redirects=False, timeout=2 * self.timeout
        )

    def login(self, username: str, password: str) -> None:
        """Log in through the form; fails the test when refused."""
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 302, f"login of {username} refused: {response.text[:500]}"

    def wait_for_job(self, job_page: str, seconds: float = 120) -> dict:
        """Poll a job's status JSON until it ends; the final state."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            state = self.get(job_page.rstrip("/") + "/status").json()
            if state["finished"]:
                return state
            time.sleep(0.5)
        raise AssertionError(f"job {job_page} still running after {seconds} s: {state}")
