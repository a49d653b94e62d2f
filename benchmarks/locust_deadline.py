"""Locust users of the deadline load (driven by ``load_deadline.py``, not run alone).

Each user is one student already logged in (its session cookie comes from the driver's file
LOAD_STUDENTS): it opens its preference editor, then submits a list of LOAD_CHOICES lines of its
category, once, and idles. Whether the submission was accepted (302) or refused with a message
(the window closed meanwhile) is written to LOAD_OUTCOMES for the driver's checks.
"""

from __future__ import annotations

import json
import os
import re
from itertools import count
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, events, task
from requests.cookies import create_cookie

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
MESSAGE = re.compile(r"<p>([^<]{4,200})")
CLOSED_WORDS = ("不在开放时间", "已截止", "未开放")

with open(os.environ["LOAD_STUDENTS"], encoding="utf-8") as handle:
    STUDENTS = [json.loads(line) for line in handle]
NEXT = count()
OUTCOMES: list[dict] = []


class Student(FastHttpUser):
    """One student submitting once."""

    wait_time = constant(3600)

    def on_start(self) -> None:
        self.me = STUDENTS[next(NEXT) % len(STUDENTS)]
        self.done = False
        # the browser's cookie, kept up to date by the client as the app renews it
        host = urlsplit(self.host).hostname or "127.0.0.1"
        self.client.cookiejar.set_cookie(create_cookie("session", self.me["cookie"], domain=host))

    @task
    def submit_once(self) -> None:
        if self.done:
            return
        self.done = True
        editor = f"/student/preferences/{self.me['batch_id']}/1"
        page = self.client.get(editor, name="GET editor")
        token, version = CSRF.search(page.text or ""), VERSION.search(page.text or "")
        if page.status_code != 200 or token is None:
            told = page.status_code == 200 and any(
                word in (page.text or "") for word in CLOSED_WORDS
            )
            OUTCOMES.append({"candidate_id": self.me["candidate_id"],
                             "outcome": "refused" if told else "no-editor",
                             "status": page.status_code})  # fmt: skip
            return
        form = {"csrf_token": token.group(1), "version": version.group(1) if version else "0",
                "action": "submit"}  # fmt: skip
        for index, line_id in enumerate(self.me["lines"]):
            form[f"item-{index}-line"] = str(line_id)
            form[f"item-{index}-pos"] = str(index + 1)
        with self.client.post(
            editor, data=form, name="POST submit", allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            outcome = self._judge(response)
        said = MESSAGE.search(response.text or "") if outcome == "error" else None
        OUTCOMES.append({"candidate_id": self.me["candidate_id"], "outcome": outcome,
                         "status": response.status_code, "lines": self.me["lines"],
                         "said": said.group(1) if said else ""})  # fmt: skip

    @staticmethod
    def _judge(response) -> str:
        if response.status_code == 302:
            response.success()
            return "accepted"
        text = response.text or ""
        if response.status_code in (400, 409) and any(word in text for word in CLOSED_WORDS):
            response.success()  # refused, and told so: the expected answer after the deadline
            return "refused"
        response.failure(f"unexpected {response.status_code}")
        return "error"


@events.test_stop.add_listener
def write_outcomes(**_kwargs) -> None:
    with open(os.environ["LOAD_OUTCOMES"], "w", encoding="utf-8") as handle:
        for outcome in OUTCOMES:
            handle.write(json.dumps(outcome) + "\n")
