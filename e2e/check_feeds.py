#!/usr/bin/env python3
"""Parses Plenary's Atom feeds and iCalendar calendars with parser libraries (feedparser,
icalendar) and checks what RFC 4287 and RFC 5545 require of them.

Usage: check_feeds.py BASE_URL PATH...  (paths ending in .atom or .ics)
Prints one line per checked resource; exits 1 with the reasons when any check fails.
"""
import sys
import urllib.request

import feedparser
from icalendar import Calendar


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as res:
        return res.status, res.headers.get("Content-Type", ""), res.read()


def check_atom(url, ctype, body):
    problems = []
    if not ctype.startswith("application/atom+xml"):
        problems.append(f"content type is {ctype!r}")
    feed = feedparser.parse(body)
    if feed.bozo:
        problems.append(f"not well-formed: {feed.bozo_exception}")
    if feed.version != "atom10":
        problems.append(f"parsed as {feed.version!r}, not Atom 1.0")
    f = feed.feed
    for key in ("id", "title", "updated", "author"):
        if not f.get(key):
            problems.append(f"feed lacks {key}")
    if not any(l.get("rel") == "self" for l in f.get("links", [])):
        problems.append("feed lacks a self link")
    ids = set()
    for i, e in enumerate(feed.entries):
        for key in ("id", "title", "updated", "link"):
            if not e.get(key):
                problems.append(f"entry {i} lacks {key}")
        if e.get("updated_parsed") is None:
            problems.append(f"entry {i}: updated is not an RFC 3339 date")
        if e.get("id") in ids:
            problems.append(f"entry {i}: id {e.get('id')} repeats")
        ids.add(e.get("id"))
    return problems, f"{len(feed.entries)} entries"


def check_ics(url, ctype, body):
    problems = []
    if not ctype.startswith("text/calendar"):
        problems.append(f"content type is {ctype!r}")
    if b"\r\n" not in body or body.replace(b"\r\n", b"").find(b"\n") >= 0:
        problems.append("lines must end with CRLF")
    if any(len(line) > 75 for line in body.split(b"\r\n")):
        problems.append("a content line is longer than 75 octets")
    cal = Calendar.from_ical(body)
    for key in ("VERSION", "PRODID"):
        if not cal.get(key):
            problems.append(f"calendar lacks {key}")
    events = list(cal.walk("VEVENT"))
    uids = set()
    for ev in events:
        uid = str(ev.get("UID", ""))
        if not uid or uid in uids:
            problems.append(f"event UID {uid!r} missing or repeated")
        uids.add(uid)
        for key in ("DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            if ev.get(key) is None:
                problems.append(f"event {uid} lacks {key}")
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        if start.tzinfo is None or end <= start:
            problems.append(f"event {uid}: times must be absolute and end after start")
    return problems, f"{len(events)} events"


def main():
    base, paths = sys.argv[1], sys.argv[2:]
    failed = False
    for path in paths:
        url = base + path
        status, ctype, body = fetch(url)
        check = check_atom if path.endswith(".atom") else check_ics
        problems, what = check(url, ctype, body) if status == 200 else ([f"status {status}"], "")
        if problems:
            failed = True
            print(f"FAIL {path}: " + "; ".join(problems))
        else:
            print(f"ok   {path}: {what}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
