"""Locust users of the page benchmark (driven by ``bench_pages.py``, not run alone).

Every user asks for one page, PAGES_TARGET, over and over: as fast as answers come (PAGES_RATE
unset: the throughput runs) or at PAGES_RATE requests a second each (the fixed-rate runs). A
signed-in user takes its own account's session from the driver's file PAGES_USERS (students
for the score page and the submission, university staff for the review list); /healthz and the
catalogue are asked anonymously, as a load balancer and the public ask them.

A fixed rate is an open-loop Poisson schedule: each user's requests are due at exponentially
distributed intervals (mean 1/PAGES_RATE) counted from its own start, so the users' requests
arrive independently, as real visitors' do; a late answer does not move the schedule (an
overdue request goes at once). (With locust's ``constant_throughput`` every user kept the same
period, 64 users at 1.56/s came in bursts, and /healthz alone showed a mean of 24 ms and a p98
of 66 ms at 100 requests a second; with this schedule, 6 ms and 55 ms.) Each user opens its
connection with one /healthz ("setup: connect", not counted as the page) before it starts:
that first request took a median of 43 ms and up to 70 ms on locust's side.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from itertools import count
from urllib.parse import urlsplit

from locust import FastHttpUser, task
from requests.cookies import create_cookie

TARGET = os.environ["PAGES_TARGET"]
RATE = float(os.environ.get("PAGES_RATE") or 0)
VERSION = re.compile(r'name="version" value="(\d+)"')
with open(os.environ["PAGES_USERS"], encoding="utf-8") as handle:
    USERS = json.load(handle)
NEXT = count()
KIND = {"scores": "students", "submit": "students", "review": "universities"}


class Visitor(FastHttpUser):
    """One visitor asking for PAGES_TARGET."""

    def wait_time(self) -> float:
        """No wait in the throughput runs; else until the next Poisson arrival is due."""
        if not RATE:
            return 0.0
        self.due += random.expovariate(RATE)
        return max(0.0, self.due - time.monotonic())

    def on_start(self) -> None:
        self.me: dict = {}
        self.client.get("/healthz", name="setup: connect")
        self.due = time.monotonic()  # the schedule starts once the connection is open
        kind = KIND.get(TARGET)
        if kind is None:
            return
        people = USERS[kind]
        self.me = people[next(NEXT) % len(people)]
        host = urlsplit(self.host).hostname or "127.0.0.1"
        self.client.cookiejar.set_cookie(create_cookie("session", self.me["cookie"], domain=host))
        if TARGET == "submit":
            page = self.client.get(self.me["editor"], name="setup: editor")
            found = VERSION.search(page.text or "")
            self.version = int(found.group(1)) if found else 0

    @task
    def ask(self) -> None:
        getattr(self, TARGET)()

    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz")

    def catalogue(self) -> None:
        self.client.get(USERS["catalogue"], name="catalogue")

    def scores(self) -> None:
        self.client.get("/student/scores", name="scores")

    def review(self) -> None:
        self.client.get(self.me["review"], name="review")

    def submit(self) -> None:
        """The answer to the confirmation page: the whole list, submitted as a new version."""
        form = {"csrf_token": self.me["csrf"], "version": str(self.version),
                "action": "submit", "confirm": "yes"}  # fmt: skip
        for index, line_id in enumerate(self.me["lines"]):
            form[f"item-{index}-line"] = str(line_id)
            form[f"item-{index}-pos"] = str(index + 1)
        with self.client.post(self.me["editor"], data=form, name="submit",
                              allow_redirects=False, catch_response=True) as response:  # fmt: skip
            if response.status_code == 302:
                self.version += 1
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")
                found = VERSION.search(response.text or "")
                if found:  # another version was saved meanwhile: continue from it
                    self.version = int(found.group(1))
