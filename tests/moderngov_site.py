"""A local stand-in for a council's modern.gov site: its web service's XML (shaped like the real one's, see
DemocracyClub/LGSF's fixtures) and documents served on 127.0.0.1, so `qa sync` is tested without any real site.

The site records every path asked for, can answer a path with 503 a number of times first, and can stop half-way
through a document until the test lets it go (to kill a sync mid-download).
"""

from __future__ import annotations

import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Doc:
    id: str
    title: str
    body: bytes
    restricted: bool = False
    restriction: str = ""
    published: str = "01/02/2025"


@dataclass
class Item:
    number: str
    title: str
    text: str = ""
    minutes: str = ""
    restricted: bool = False
    docs: list[Doc] = field(default_factory=list)


@dataclass
class Meeting:
    id: str
    committee: str
    when: str  # dd/mm/yyyy
    status: str = "Confirmed"
    items: list[Item] = field(default_factory=list)


def _pdf(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def sample_site() -> Site:
    """Testshire: Cabinet (three meetings, one before 2025 and one cancelled), Cabinet Member Decisions, Audit."""
    pack = Doc("9001", "Cabinet agenda reports pack", _pdf("papers/testshire-transport-2025-10-28-pack.pdf"))
    bid = Doc("9009", "Land at Station Road - exempt report", b"%PDF-1.4 the bid figure is 4,750,000", restricted=True, restriction="Paragraph 3")
    minutes_html = "<p>RESOLVED: that the home to school transport policy be approved.</p><p>Proposed by Councillor Patel.</p>"
    meetings = [
        Meeting("500", "101", "20/11/2024", items=[Item("1", "Budget monitoring", docs=[Doc("8001", "Budget report", _pdf("exempt/testshire-cabinet-2026-01-15-agenda.pdf"))])]),
        Meeting("501", "101", "12/02/2025", items=[
            Item("1", "Apologies for absence", "<p>To receive apologies.</p>", "<p>Apologies were received from Councillor Green.</p>"),
            Item("5", "Home to school transport", "<p>The report of the Director of Children's Services.</p>", minutes_html, docs=[pack]),
            Item("9", "Land at Station Road", "<p>Disposal of land.</p>", "<p>The bid was accepted.</p>", restricted=True, docs=[bid]),
        ]),
        Meeting("502", "101", "19/03/2025", items=[
            Item("4", "Testshire Cabinet pack", "<p>Reports for decision.</p>", docs=[
                Doc("9002", "Reports pack", _pdf("exempt/testshire-cabinet-2025-12-04-pack.pdf"), published="10/03/2025"),
                pack,  # the same document linked again: fetched once
            ]),
        ]),
        Meeting("503", "101", "02/04/2025", status="Cancelled"),
        Meeting("601", "102", "20/02/2025", items=[Item("3", "Internal audit plan", docs=[Doc("9101", "Audit plan", _pdf("papers/testshire-transport-2025-10-28-pack.pdf"))])]),
        Meeting("701", "103", "25/02/2025", items=[Item("1", "Decision", docs=[Doc("9201", "Decision notice", _pdf("exempt/testshire-cabinet-2026-01-15-agenda.pdf"))])]),
    ]
    committees = {"101": "Cabinet", "102": "Audit Committee", "103": "Cabinet Member Decisions", "104": "Old Panel"}
    return Site(committees, meetings, deleted={"104"})


class Site:
    def __init__(self, committees: dict[str, str], meetings: list[Meeting], deleted: set[str] | None = None):
        self.committees = committees
        self.meetings = meetings
        self.deleted = deleted or set()
        self.requests: list[str] = []
        self.fail: dict[str, int] = {}  # path (with query) -> how many 503s before answering
        self.hold_doc: str | None = None  # a document id to stop half-way through
        self.held = threading.Event()  # set once the site has stopped in that document
        self.release = threading.Event()
        self.missing: set[str] = set()  # document ids the site answers 404 for (removed since it was listed)
        self.service = True  # False: the site has no web service (404, as a plain web site answers)
        self.server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ the XML
    def committees_xml(self) -> str:
        rows = "".join(
            f"<committee><committeeid>{cid}</committeeid><committeetitle>{escape(t)}</committeetitle>"
            f"<committeedeleted>{cid in self.deleted}</committeedeleted><committeeexpired>False</committeeexpired></committee>"
            for cid, t in self.committees.items()
        )
        return f'<?xml version="1.0" encoding="utf-8"?><committees><committeescount>{len(self.committees)}</committeescount>{rows}</committees>'

    def meetings_xml(self, committee: str, date_from: str, date_to: str) -> str:
        def iso(d: str) -> str:
            day, month, year = d.split("/")
            return f"{year}-{month}-{day}"

        chosen = [m for m in self.meetings if m.committee == committee and iso(date_from) <= iso(m.when) <= iso(date_to)]
        rows = "".join(
            f"<meeting><meetingid>{m.id}</meetingid><meetingdate>{m.when}</meetingdate><meetingstatus>{m.status}</meetingstatus>"
            f"<meetingtime>10.00 am</meetingtime></meeting>"
            for m in chosen
        )
        title = escape(self.committees.get(committee, ""))
        return (
            f'<?xml version="1.0" encoding="utf-8"?><getmeetings><committee><committeeid>{committee}</committeeid>'
            f"<committeetitle>{title}</committeetitle><committeemeetings>{rows}</committeemeetings></committee></getmeetings>"
        )

    def meeting_xml(self, meeting_id: str) -> str | None:
        m = next((m for m in self.meetings if m.id == meeting_id), None)
        if m is None:
            return None
        items = []
        for it in m.items:
            docs = "".join(
                f"<linkeddoc><attachmentid>{d.id}</attachmentid><title>{escape(d.title)}</title><isurl>False</isurl>"
                f"<url>{self.base}/mgConvert2PDF.aspx?ID={d.id}</url><isrestricted>{d.restricted}</isrestricted>"
                f"<restrictionsRef>{escape(d.restriction)}</restrictionsRef><publicationdate>{d.published}</publicationdate>"
                f"<committeetitle>{escape(self.committees[m.committee])}</committeetitle></linkeddoc>"
                for d in it.docs
            )
            items.append(
                f"<agendaitem><agendaitemid>{m.id}{it.number}</agendaitemid><agendaitemtitle>{escape(it.title)}</agendaitemtitle>"
                f"<agendatext>{escape(it.text)}</agendatext><agendaitemnumber>{it.number}</agendaitemnumber>"
                f"<fulldisplaynumberformat>{it.number}.</fulldisplaynumberformat>"
                f"<minutesnonemptyhtmlbody>{escape(it.minutes)}</minutesnonemptyhtmlbody>"
                f"<isminutepublished>{bool(it.minutes)}</isminutepublished><isrestricted>{it.restricted}</isrestricted>"
                f"<minutesitemnumber>{it.number}</minutesitemnumber><linkeddocuments>{docs}</linkeddocuments></agendaitem>"
            )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><meeting><meetingid>{m.id}</meetingid><meetingdate>{m.when}</meetingdate>'
            f"<meetingstatus>{m.status}</meetingstatus><meetinglocation>County Hall, Testford</meetinglocation>"
            f"<minutepublished>{any(it.minutes for it in m.items)}</minutepublished><agendaitems>{''.join(items)}</agendaitems></meeting>"
        )

    def doc(self, doc_id: str) -> Doc | None:
        return next((d for m in self.meetings for it in m.items for d in it.docs if d.id == doc_id), None)

    def asked(self, fragment: str) -> int:
        """How many requests had `fragment` in their path and query."""
        return sum(fragment in r for r in self.requests)

    # ------------------------------------------------------------ serving
    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Site:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append(self.path)
                if site.fail.get(self.path, 0) > 0:
                    site.fail[self.path] -= 1
                    return self._send(503, b"busy", "text/plain")
                url = urllib.parse.urlsplit(self.path)
                q = {k.lower(): v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                path = url.path.lower()
                if path.startswith("/mgwebservice.asmx/") and site.service:
                    method = path.rsplit("/", 1)[1]
                    body = {
                        "getcommittees": lambda: site.committees_xml(),
                        "getmeetings": lambda: site.meetings_xml(q.get("lcommitteeid", ""), q.get("sfromdate", ""), q.get("stodate", "")),
                        "getmeeting": lambda: site.meeting_xml(q.get("lmeetingid", "")),
                    }.get(method, lambda: None)()
                    return self._send(200, body.encode(), "text/xml; charset=utf-8") if body else self._send(500, b"error", "text/plain")
                if path == "/mgconvert2pdf.aspx":
                    d = site.doc(q.get("id", ""))
                    if d is None or d.id in site.missing:
                        return self._send(404, b"not found", "text/plain")
                    if d.id == site.hold_doc:
                        self.send_response(200)
                        self.send_header("Content-Type", "application/pdf")
                        self.send_header("Content-Length", str(len(d.body)))
                        self.end_headers()
                        self.wfile.write(d.body[: len(d.body) // 2])
                        self.wfile.flush()
                        site.held.set()
                        site.release.wait(60)
                        return
                    return self._send(200, d.body, "application/pdf")
                return self._send(404, b"<html><body>Page not found</body></html>", "text/html")

            def _send(self, code: int, body: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
