"""Papers from where councils publish them: a modern.gov ("ModernGov") democracy site's web service.

Most English councils publish agendas, reports and minutes on a modern.gov site, whose web service at
`SITE/mgWebService.asmx` answers plain GETs with XML:

- `GetCommittees?lDays=0`: every committee (`committeeid`, `committeetitle`, `committeedeleted`);
- `GetMeetings?lCommitteeId=&sFromDate=&sToDate=` (dd/mm/yyyy): a committee's meetings (`meetingid`, `meetingdate`);
- `GetMeeting?lMeetingId=`: the meeting's agenda items (`agendaitemnumber`, `agendaitemtitle`, `agendatext`,
  `isrestricted`, the published minutes as `minutesnonemptyhtmlbody`), each with its `linkeddocuments`
  (`attachmentid`, `title`, `url`, `isrestricted`, `restrictionsRef`, `publicationdate`).

`sync` downloads each public document once into `DIR/<committee>/<yyyy-mm-dd>/`, writes the agenda and the
published minutes as pages shaped like modern.gov's own (so `index.parse.parse_html` reads their items), and
keeps a manifest beside them (`councilqa-manifest.csv`: council, committee, meeting date, agenda item, type,
source URL, sha256), so indexing takes the metadata from the service instead of guessing it. The service sends
no ETag or Last-Modified: a document is known by its attachment id and publication date, and its file by its
sha256; a later run downloads only what is new, re-published or missing. Restricted (exempt, Part B)
documents are never fetched: the agenda page lists their items as exempt, which the register shows.

Robust in the ways a long run needs: one request at a time with a delay, retries with backoff on timeouts,
dropped connections and 5xx; a download goes to `DIR/.partial/` and is moved into place whole, and the
manifest is replaced whole after each file, so a run killed at any point leaves no half paper and the next
run carries on.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .discover import file_hash
from .errors import CouncilQAError
from .meta import doc_type_from_words, first_date
from .types import DocType

MANIFEST = "councilqa-manifest.csv"
PARTIAL = ".partial"  # hidden, so indexing never reads a download in progress
COLUMNS = (
    "filename", "council", "committee", "meeting_date", "document_type", "title", "agenda_item",
    "source_url", "attachment_id", "publication_date", "restricted", "sha256",
)
SERVICE = "mgWebService.asmx"
USER_AGENT = "councilqa-sync (+https://github.com/councilqa; one request at a time)"


class SyncError(CouncilQAError):
    """A site that cannot be synced (no web service, not reachable, an unknown committee): one line, what to do."""


@dataclass
class SyncOptions:
    """How politely and how hard to ask (see qa.config.SyncSettings for what each is and why)."""

    delay_s: float = 1.0
    retries: int = 4
    backoff_s: float = 2.0
    timeout_s: float = 60.0
    max_mb: float = 200.0


@dataclass
class Document:
    """One linked document of an agenda item."""

    attachment_id: str
    title: str
    url: str
    restricted: bool
    restriction: str  # the service's restrictionsRef: often the Schedule 12A paragraph
    published: str  # publicationdate as the service writes it (dd/mm/yyyy)


@dataclass
class Item:
    """One agenda item of a meeting."""

    number: str
    title: str
    text: str  # the agenda's description of the item (HTML)
    minutes: str  # the published minutes of the item (HTML), or ""
    minute_number: str
    restricted: bool
    documents: list[Document] = field(default_factory=list)


@dataclass
class Meeting:
    id: str
    committee_id: str
    committee: str
    when: date
    location: str = ""
    items: list[Item] = field(default_factory=list)


@dataclass
class SyncReport:
    """What a sync did, for the summary line; the files it wrote are what indexing should look at."""

    meetings: int = 0
    downloaded: list[str] = field(default_factory=list)
    unchanged: int = 0
    written: list[str] = field(default_factory=list)  # agenda and minutes pages made from the service's text
    restricted: list[str] = field(default_factory=list)  # "committee yyyy-mm-dd item N. title": listed, not fetched
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    bytes: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.downloaded or self.written)


# ---------------------------------------------------------------- HTTP: one request at a time, retried


class Http:
    """GETs with a delay between requests and retries with exponential backoff on timeouts, dropped
    connections and 5xx; a 4xx is an answer, not a hiccup, and is raised at once."""

    def __init__(self, options: SyncOptions, sleep: Callable[[float], None] = time.sleep):
        self.options = options
        self.sleep = sleep
        self._last = 0.0

    def get(self, url: str, to: Path | None = None) -> bytes:
        """The body of `url` (or, with `to`, the body streamed into that file and b"" returned)."""
        attempt = 0
        while True:
            wait = self.options.delay_s - (time.monotonic() - self._last)
            if wait > 0:
                self.sleep(wait)
            try:
                return self._get_once(url, to)
            except urllib.error.HTTPError as exc:
                if exc.code < 500 or attempt >= self.options.retries:
                    raise
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt >= self.options.retries or _refused(exc):
                    raise
            finally:
                self._last = time.monotonic()
            self.sleep(self.options.backoff_s * 2**attempt)
            attempt += 1

    def _get_once(self, url: str, to: Path | None) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        limit = int(self.options.max_mb * 1024 * 1024)
        with urllib.request.urlopen(request, timeout=self.options.timeout_s) as response:
            if to is None:
                return response.read()
            size = 0
            with to.open("wb") as fh:
                for block in iter(lambda: response.read(1 << 16), b""):
                    size += len(block)
                    if size > limit:
                        raise SyncError(f"{url}: larger than {self.options.max_mb:g} MB (sync.max_mb); not downloaded")
                    fh.write(block)
                fh.flush()
                os.fsync(fh.fileno())
            return b""


def _refused(exc: Exception) -> bool:
    """A connection refused or a name that does not resolve: no point retrying."""
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, (ConnectionRefusedError, OSError)) and getattr(reason, "errno", None) in (111, -2, -3, -5)


# ---------------------------------------------------------------- the web service


def site_root(url: str) -> str:
    """'https://democracy.kent.gov.uk/mgWebService.asmx?WSDL' -> 'https://democracy.kent.gov.uk'."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    parts = urllib.parse.urlsplit(url)
    path = re.sub(rf"/?(?:{SERVICE}.*|mg\w+\.aspx.*|ie\w+\.aspx.*)$", "", parts.path, flags=re.IGNORECASE).rstrip("/")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _text(el: ET.Element | None, tag: str) -> str:
    found = el.find(tag) if el is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def _true(el: ET.Element | None, tag: str) -> bool:
    return _text(el, tag).lower() == "true"


def _service_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


class ModernGov:
    """The three calls of the web service that sync needs, read into plain objects."""

    def __init__(self, site: str, http: Http):
        self.site = site_root(site)
        self.http = http

    def _call(self, method: str, **params) -> ET.Element:
        url = f"{self.site}/{SERVICE}/{method}?{urllib.parse.urlencode(params)}"
        try:
            body = self.http.get(url)
        except urllib.error.HTTPError as exc:
            if method == "GetCommittees":
                raise SyncError(self._no_service(f"{SERVICE}/{method} answered HTTP {exc.code}")) from exc
            raise SyncError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SyncError(f"cannot reach {self.site}: {reason}") from exc
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            if method == "GetCommittees":
                raise SyncError(self._no_service(f"{SERVICE}/{method} did not answer with XML")) from exc
            raise SyncError(f"{url}: the answer is not XML ({exc})") from exc
        for el in root.iter():  # the service answers in the default namespace on some installs
            if "}" in el.tag:
                el.tag = el.tag.split("}", 1)[1]
        return root

    def _no_service(self, why: str) -> str:
        return (
            f"{self.site} has no modern.gov web service ({why}). Give the address of the council's democracy site "
            f"(the one whose pages are mgListCommittees.aspx, ieListDocuments.aspx...), or download the papers "
            f"and run `qa index FOLDER`."
        )

    def committees(self) -> dict[str, str]:
        """committee id -> title, deleted committees left out."""
        root = self._call("GetCommittees", lDays=0)
        return {
            _text(c, "committeeid"): _text(c, "committeetitle")
            for c in root.iter("committee")
            if _text(c, "committeeid") and not _true(c, "committeedeleted")
        }

    def meetings(self, committee_id: str, date_from: date, date_to: date) -> list[tuple[str, date]]:
        """(meeting id, date) of a committee's meetings in the window, cancelled ones left out."""
        root = self._call(
            "GetMeetings", lCommitteeId=committee_id, sFromDate=date_from.strftime("%d/%m/%Y"), sToDate=date_to.strftime("%d/%m/%Y")
        )
        out = []
        for m in root.iter("meeting"):
            when = _service_date(_text(m, "meetingdate"))
            if _text(m, "meetingid") and when and date_from <= when <= date_to and _text(m, "meetingstatus").lower() != "cancelled":
                out.append((_text(m, "meetingid"), when))
        return sorted(set(out), key=lambda m: (m[1], m[0]))

    def meeting(self, meeting_id: str, committee_id: str, committee: str) -> Meeting | None:
        root = self._call("GetMeeting", lMeetingId=meeting_id)
        m = root if root.tag == "meeting" else root.find(".//meeting")
        when = _service_date(_text(m, "meetingdate")) if m is not None else None
        if m is None or when is None:
            return None
        meeting = Meeting(meeting_id, committee_id, committee, when, _text(m, "meetinglocation"))
        for it in m.iter("agendaitem"):
            number = _text(it, "agendaitemnumber")
            shown = _text(it, "fulldisplaynumberformat").rstrip(".") or number
            item = Item(
                number=shown, title=_text(it, "agendaitemtitle"), text=_text(it, "agendatext"),
                minutes=_text(it, "minutesnonemptyhtmlbody") if _true(it, "isminutepublished") or _text(it, "minutesnonemptyhtmlbody") else "",
                minute_number=_text(it, "minutesitemnumber"), restricted=_true(it, "isrestricted"),
            )
            seen = set()
            for d in it.iter("linkeddoc"):
                url = _text(d, "url")
                if not url or url in seen or _true(d, "isurl"):
                    continue
                seen.add(url)
                item.documents.append(Document(
                    attachment_id=_text(d, "attachmentid") or hashlib.sha1(url.encode()).hexdigest()[:10],
                    title=_text(d, "title"), url=urllib.parse.urljoin(self.site + "/", url),
                    restricted=_true(d, "isrestricted") or item.restricted, restriction=_text(d, "restrictionsRef"),
                    published=_text(d, "publicationdate"),
                ))
            meeting.items.append(item)
        return meeting

    def meeting_url(self, m: Meeting) -> str:
        """The meeting's page on the council's site (what a citation links to for the agenda and minutes)."""
        return f"{self.site}/ieListDocuments.aspx?CId={m.committee_id}&MId={m.id}"


def choose_committees(available: dict[str, str], wanted: list[str]) -> dict[str, str]:
    """The committees named (by exact title, case aside, else by a part of the title that only one has); all when none
    is named. An unknown name is an error that lists what the site has."""
    if not wanted:
        return dict(available)
    chosen: dict[str, str] = {}
    for name in wanted:
        key = name.strip().lower()
        exact = {i: t for i, t in available.items() if t.lower() == key}
        partial = exact or {i: t for i, t in available.items() if key in t.lower()}
        if len(partial) != 1:
            near = sorted(t for t in available.values() if key.split()[0] in t.lower()) if key else []
            what = "matches several committees" if partial else "is not a committee of this site"
            listed = ", ".join((sorted(partial.values()) if partial else near)[:8]) or ", ".join(sorted(available.values())[:8])
            raise SyncError(f"--committee {name!r} {what}; the site has: {listed}")
        chosen.update(partial)
    return chosen


# ---------------------------------------------------------------- the folder: files, manifest, state


def slug(text: str, words: int = 8) -> str:
    """A file-system-safe name: 'Cabinet (Executive)' -> 'cabinet-executive'."""
    kept = re.findall(r"[a-z0-9]+", text.lower())[:words]
    return "-".join(kept) or "untitled"


class Folder:
    """The synced folder and its manifest: rows by file name, replaced whole after every change."""

    def __init__(self, root: Path):
        self.root = root
        self.path = root / MANIFEST
        self.rows: dict[str, dict[str, str]] = {}
        if self.path.is_file():
            with self.path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    if row.get("filename"):
                        self.rows[row["filename"]] = {c: row.get(c) or "" for c in COLUMNS}
        self.by_attachment = {r["attachment_id"]: name for name, r in self.rows.items() if r["attachment_id"]}

    def holds(self, name: str, published: str) -> bool:
        """The file is here whole, as recorded, and the service has not re-published it since."""
        row = self.rows.get(name)
        path = self.root / name
        if not row or not path.is_file() or (published and row["publication_date"] != published):
            return False
        return not row["sha256"] or file_hash(path) == row["sha256"]

    def record(self, name: str, **values: str) -> None:
        self.rows[name] = {c: values.get(c, "") for c in COLUMNS} | {"filename": name}
        if values.get("attachment_id"):
            self.by_attachment[values["attachment_id"]] = name
        self.save()

    def save(self) -> None:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for name in sorted(self.rows):
            writer.writerow(self.rows[name])
        _replace(self.path, buf.getvalue().encode("utf-8"))

    def partial(self, name: str) -> Path:
        folder = self.root / PARTIAL
        folder.mkdir(parents=True, exist_ok=True)
        return folder / (slug(name, 20) + ".part")


def _replace(path: Path, data: bytes) -> None:
    """Write a file so that a reader (or a crash) sees the old one or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


_EXTENSIONS = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".rtf", ".txt", ".html", ".htm")


def document_name(m: Meeting, item: Item, d: Document) -> str:
    """'cabinet/2025-03-12/7-budget-report-60860.pdf': committee, meeting date, item, title, attachment id."""
    path = urllib.parse.urlsplit(d.url).path.lower()
    ext = next((e for e in _EXTENSIONS if path.endswith(e)), ".pdf")  # mgConvert2PDF.aspx serves PDFs
    stem = "-".join(p for p in (slug(item.number, 2) if item.number else "", slug(d.title or item.title), d.attachment_id) if p)
    return f"{slug(m.committee)}/{m.when.isoformat()}/{stem}{ext}"


def meeting_folder(m: Meeting) -> str:
    return f"{slug(m.committee)}/{m.when.isoformat()}"


def document_date(m: Meeting, d: Document) -> date:
    """The meeting a document belongs to: the minutes of an earlier meeting, put to this one for approval, name
    that meeting's date in their title ("Minutes Audit Committee 25 Nov 2025")."""
    named = first_date(d.title)
    return named if named and named < m.when and doc_type_from_words(d.title) == DocType.MINUTES else m.when


def _restricted_line(item: Item) -> str:
    """'9. Land at Station Road (Exempt - paragraph 3)': the agenda's line for an item taken in private."""
    refs = " ".join(d.restriction for d in item.documents if d.restricted)
    para = re.search(r"\d", refs)
    why = f"Exempt - paragraph {para.group(0)}" if para else "Exempt"
    return f"{item.number}. {item.title} ({why})"


def agenda_page(m: Meeting, council: str) -> str | None:
    """The meeting's agenda from the service, as a page shaped like modern.gov's own (an item table), so its items
    are agenda items; the items taken in private are listed under a Part B heading on the first page, as printed
    agendas do, with why (index.exempt makes them the register's exempt items). Their text is never written."""
    if not m.items:
        return None
    rows = [
        f"<tr><td>{html.escape(it.number)}.</td><td><p>{html.escape(it.title)}</p>{it.text}</td></tr>"
        for it in m.items if not it.restricted
    ]
    private = [it for it in m.items if it.restricted]
    head = (
        "<h2>Part B - items likely to be considered in the absence of the press and public</h2>"
        + "".join(f"<p>{html.escape(_restricted_line(it))}</p>" for it in private)
    ) if private else ""
    return _page(f"Agenda, {m.committee}, {m.when.strftime('%d %B %Y').lstrip('0')}", m, council, rows, head)


def minutes_page(m: Meeting, council: str) -> str | None:
    """The published minutes from the service (each item's minutes), shaped like modern.gov's minutes page."""
    rows = [
        f"<tr><td>{html.escape(it.minute_number or it.number)}.</td><td><p>{html.escape(it.title)}</p>{it.minutes}</td></tr>"
        for it in m.items if it.minutes and not it.restricted
    ]
    return _page(f"Minutes, {m.committee}, {m.when.strftime('%d %B %Y').lstrip('0')}", m, council, rows) if rows else None


def _page(title: str, m: Meeting, council: str, rows: list[str], head: str = "") -> str:
    venue = f"<p>Venue: {html.escape(m.location)}</p>" if m.location else ""
    who = f"<p>{html.escape(council)}</p>" if council else ""
    return (
        f'<html><head><title>{html.escape(title)}</title><meta name="DC.date" content="{m.when.isoformat()}"></head>'
        f'<body><div id="mgMainContent"><h1>{html.escape(title)}</h1>{who}{venue}{head}'
        f'<table class="mgItemTable">{"".join(rows)}</table></div></body></html>'
    )


# ---------------------------------------------------------------- the run


Progress = Callable[[str, str, int, int], None]  # (event, what, done, total), as index.build's


def sync(
    site: str,
    into: Path,
    committees: list[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    council: str = "",
    options: SyncOptions | None = None,
    progress: Progress | None = None,
    http: Http | None = None,
) -> SyncReport:
    """Bring `into` up to date with the public papers of the chosen committees' meetings in the window."""
    started = time.monotonic()
    options = options or SyncOptions()
    service = ModernGov(site, http or Http(options))
    date_from = date_from or date(2000, 1, 1)
    date_to = date_to or date.today().replace(year=date.today().year + 1)
    if date_from > date_to:
        raise SyncError(f"--from {date_from} is after --to {date_to}")
    into = into.resolve()
    into.mkdir(parents=True, exist_ok=True)
    folder = Folder(into)
    council = council or next((r["council"] for r in folder.rows.values() if r["council"]), "")  # as an earlier run was told
    report = SyncReport()
    chosen = choose_committees(service.committees(), committees or [])
    stubs = [(cid, title, mid, when) for cid, title in chosen.items() for mid, when in service.meetings(cid, date_from, date_to)]
    for done, (cid, title, mid, _when) in enumerate(stubs):
        if progress:
            progress("start", f"{title} {_when.isoformat()}", done, len(stubs))
        meeting = service.meeting(mid, cid, title)
        if meeting is None:
            report.failed.append((f"{service.site}/{SERVICE}/GetMeeting?lMeetingId={mid}", "no meeting date in the answer"))
            continue
        report.meetings += 1
        _sync_meeting(service, meeting, folder, council, report)
        if progress:
            progress("done", f"{title} {_when.isoformat()}", done + 1, len(stubs))
    partial = into / PARTIAL
    if partial.is_dir() and not any(partial.iterdir()):
        partial.rmdir()
    report.seconds = time.monotonic() - started
    return report


def _row(m: Meeting, council: str, doc_type: str, title: str, item: str, url: str, when: date | None = None, **extra: str) -> dict[str, str]:
    return {
        "council": council, "committee": m.committee, "meeting_date": (when or m.when).isoformat(), "document_type": doc_type,
        "title": title, "agenda_item": item, "source_url": url, **extra,
    }


def _sync_meeting(service: ModernGov, m: Meeting, folder: Folder, council: str, report: SyncReport) -> None:
    base = meeting_folder(m)
    for name, doc_type, page in (
        (f"{base}/agenda-{m.id}.html", "agenda", agenda_page(m, council)),
        (f"{base}/minutes-{m.id}.html", "minutes", minutes_page(m, council)),
    ):
        if page is None:
            continue
        data = page.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        if folder.rows.get(name, {}).get("sha256") == digest and (folder.root / name).is_file():
            report.unchanged += 1
            continue
        _replace(folder.root / name, data)
        label = "Agenda" if doc_type == "agenda" else "Minutes"
        folder.record(name, **_row(m, council, doc_type, f"{label} (from the council's web service)", "", service.meeting_url(m), sha256=digest))
        report.written.append(name)
    for item in m.items:
        for d in item.documents:
            where = f"{m.committee} {m.when.isoformat()} item {item.number}. {d.title or item.title}"
            if d.restricted:  # recorded, never fetched: the agenda page lists the item as exempt
                report.restricted.append(where)
                name = document_name(m, item, d)
                if folder.rows.get(name, {}).get("restricted") != "yes":
                    folder.record(name, **_row(m, council, "", d.title or item.title, f"{item.number}. {item.title}".strip(". "), d.url,
                                               attachment_id=d.attachment_id, publication_date=d.published, restricted="yes"))
                continue
            name = folder.by_attachment.get(d.attachment_id) or document_name(m, item, d)
            if folder.holds(name, d.published):
                report.unchanged += 1
                continue
            part = folder.partial(name)
            try:
                service.http.get(d.url, to=part)
            except (urllib.error.URLError, TimeoutError, ConnectionError, SyncError) as exc:
                part.unlink(missing_ok=True)
                why = f"HTTP {exc.code} {exc.reason}" if isinstance(exc, urllib.error.HTTPError) else str(getattr(exc, "reason", exc))
                report.failed.append((d.url, why))
                continue
            target = folder.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = file_hash(part)
            report.bytes += part.stat().st_size
            os.replace(part, target)
            kind = doc_type_from_words(d.title)
            folder.record(name, **_row(
                m, council, kind.value if kind else "", d.title or item.title, f"{item.number}. {item.title}".strip(". "), d.url,
                document_date(m, d),
                attachment_id=d.attachment_id, publication_date=d.published, sha256=digest,
            ))
            report.downloaded.append(name)
