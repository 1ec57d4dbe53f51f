"""`qa sync` against a local stand-in for a modern.gov site (tests/moderngov_site.py): nothing contacts a real site."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from index.sync import (
    MANIFEST,
    Document,
    Http,
    Meeting,
    SyncError,
    SyncOptions,
    choose_committees,
    document_date,
    site_root,
    sync,
)
from qa.assistant import Assistant
from qa.config import load_settings

from .moderngov_site import sample_site

COUNCIL = "Testshire County Council"


@pytest.fixture
def site():
    s = sample_site().start()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _no_delay(monkeypatch):
    monkeypatch.setenv("QA_SYNC__DELAY_S", "0")
    monkeypatch.setenv("QA_SYNC__BACKOFF_S", "0")


def _rows(folder: Path) -> list[dict[str, str]]:
    with (folder / MANIFEST).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _qa(data_dir: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from qa.cli import main; main()", "--data-dir", str(data_dir), *args],
        check=False, capture_output=True, text=True, timeout=120, **kw,
    )


def test_sync_fetches_exactly_the_public_documents_of_the_chosen_meetings_and_indexes_them_with_their_metadata(site, tmp_path):
    a = Assistant(load_settings(data_dir=tmp_path / "idx"), create=True)
    fetched, report = a.sync(site.base, ["Cabinet"], date(2025, 1, 1), None, tmp_path / "papers", COUNCIL)

    # Cabinet's two meetings since 2025 (not the 2024 one, the cancelled one, or other committees'); the pack linked
    # from both meetings once; the restricted report never
    asked = [r for r in site.requests if "mgConvert2PDF" in r]
    assert sorted(asked) == ["/mgConvert2PDF.aspx?ID=9001", "/mgConvert2PDF.aspx?ID=9002"]
    assert site.asked("lMeetingId=500") == site.asked("lMeetingId=503") == 0
    assert site.asked("lCommitteeId=102") == site.asked("lCommitteeId=103") == 0
    assert fetched.meetings == 2 and len(fetched.downloaded) == 2 and not fetched.failed
    assert fetched.restricted == ["Cabinet 2025-02-12 item 9. Land at Station Road - exempt report"]

    rows = {r["filename"]: r for r in _rows(tmp_path / "papers")}
    pack = rows["cabinet/2025-02-12/5-cabinet-agenda-reports-pack-9001.pdf"]
    assert (pack["council"], pack["committee"], pack["meeting_date"], pack["agenda_item"]) == (COUNCIL, "Cabinet", "2025-02-12", "5. Home to school transport")
    assert pack["source_url"] == f"{site.base}/mgConvert2PDF.aspx?ID=9001" and len(pack["sha256"]) == 64
    secret = rows["cabinet/2025-02-12/9-land-at-station-road-exempt-report-9009.pdf"]
    assert secret["restricted"] == "yes" and not secret["sha256"]
    assert not (tmp_path / "papers" / secret["filename"]).exists()

    # indexed with the service's metadata: the pack's own text names another committee and date (28 Oct 2025)
    assert report.ok and len(report.added) == 5
    metas = {p.source: p.meta for p in a.store.papers()}
    meta = metas["cabinet/2025-02-12/5-cabinet-agenda-reports-pack-9001.pdf"]
    assert (meta.council, meta.committee, meta.meeting_date) == (COUNCIL, "Cabinet", date(2025, 2, 12))
    assert metas["cabinet/2025-02-12/minutes-501.html"].doc_type.value == "minutes"

    # answered from the minutes the service published, cited to the item, linked to the council's page
    answer = a.ask("What was resolved about the home to school transport policy?")
    assert not answer.abstained
    cited = answer.citations[0]
    assert cited.source == "cabinet/2025-02-12/minutes-501.html" and cited.item.startswith("5.")
    assert cited.source_url == f"{site.base}/ieListDocuments.aspx?CId=101&MId=501"

    # the restricted item is known to exist, with its reason; its minutes and report are nowhere in the index
    exempt = [r for r in a.store.records() if r.record.type == "exempt" and r.source.endswith("agenda-501.html")]
    assert [(r.record.item, r.record.item_title) for r in exempt] == [("9", "Land at Station Road")]
    assert "paragraph 3" in exempt[0].record.kind
    every_page = " ".join(pg.text for p in a.store.papers() for pg in a.store.pages(p.id))
    assert "The bid was accepted" not in every_page and "4,750,000" not in every_page


def test_a_second_run_downloads_nothing_and_indexes_nothing(site, tmp_path):
    a = Assistant(load_settings(data_dir=tmp_path / "idx"), create=True)
    a.sync(site.base, ["Cabinet"], date(2025, 1, 1), None, tmp_path / "papers", COUNCIL)
    before = len(site.requests)
    fetched, report = a.sync(site.base, ["Cabinet"], date(2025, 1, 1), None, tmp_path / "papers")
    assert not any("mgConvert2PDF" in r for r in site.requests[before:])
    assert not fetched.downloaded and not fetched.written and fetched.unchanged == 6
    assert not report.added and not report.updated and len(report.unchanged) == 5
    assert {r["council"] for r in _rows(tmp_path / "papers")} == {COUNCIL}  # kept from the first run


def test_a_republished_document_is_fetched_again_and_a_changed_file_is_replaced(site, tmp_path):
    folder = tmp_path / "papers"
    sync(site.base, folder, ["Cabinet"], date(2025, 1, 1), options=SyncOptions(delay_s=0))
    site.doc("9002").published = "14/03/2025"
    (folder / "cabinet/2025-02-12/5-cabinet-agenda-reports-pack-9001.pdf").write_bytes(b"damaged")
    again = sync(site.base, folder, ["Cabinet"], date(2025, 1, 1), options=SyncOptions(delay_s=0))
    assert sorted(again.downloaded) == ["cabinet/2025-02-12/5-cabinet-agenda-reports-pack-9001.pdf", "cabinet/2025-03-19/4-reports-pack-9002.pdf"]
    assert (folder / "cabinet/2025-02-12/5-cabinet-agenda-reports-pack-9001.pdf").read_bytes() == site.doc("9001").body
    assert {r["publication_date"] for r in _rows(folder) if r["attachment_id"] == "9002"} == {"14/03/2025"}


def test_timeouts_and_5xx_are_retried_with_backoff_and_a_4xx_is_not(site, tmp_path):
    waits: list[float] = []
    http = Http(SyncOptions(delay_s=0, retries=3, backoff_s=2.0), sleep=waits.append)
    site.fail["/mgConvert2PDF.aspx?ID=9002"] = 2
    report = sync(site.base, tmp_path, ["Cabinet"], date(2025, 1, 1), http=http)
    assert "cabinet/2025-03-19/4-reports-pack-9002.pdf" in report.downloaded and site.asked("ID=9002") == 3
    assert waits == [2.0, 4.0]
    site.fail["/mgConvert2PDF.aspx?ID=9002"] = 9  # more than the retries: reported, the rest kept
    site.doc("9002").published = "15/03/2025"
    report = sync(site.base, tmp_path, ["Cabinet"], date(2025, 1, 1), http=http)
    assert [url for url, _ in report.failed] == [f"{site.base}/mgConvert2PDF.aspx?ID=9002"] and "503" in report.failed[0][1]
    assert not list(tmp_path.glob(".partial/*"))  # the failed download left nothing behind
    site.fail.clear()
    site.missing.add("9002")  # the site now answers 404 for it: not retried
    before = site.asked("ID=9002")
    report = sync(site.base, tmp_path, ["Cabinet"], date(2025, 1, 1), http=http)
    assert site.asked("ID=9002") == before + 1 and report.failed[0][1] == "HTTP 404 Not Found"


def test_requests_are_one_at_a_time_with_the_delay_between_them(site, tmp_path):
    waits: list[float] = []
    sync(site.base, tmp_path, ["Cabinet"], date(2025, 1, 1), http=Http(SyncOptions(delay_s=5.0), sleep=waits.append))
    assert len(waits) == len(site.requests) - 1 and all(0 < w <= 5.0 for w in waits)


def test_killed_mid_download_a_rerun_completes_with_no_duplicate_and_no_partial_paper(site, tmp_path):
    site.hold_doc = "9002"  # the second document: the site stops half-way through it
    proc = subprocess.Popen(
        [sys.executable, "-c", "from qa.cli import main; main()", "--data-dir", str(tmp_path / "idx"), "sync", site.base,
         "--committee", "Cabinet", "--from", "2025-01-01", "--into", str(tmp_path / "papers"), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        assert site.held.wait(60), "the sync never reached the second document"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        site.hold_doc = None
        site.release.set()
    folder = tmp_path / "papers"
    assert not (folder / "cabinet/2025-03-19/4-reports-pack-9002.pdf").exists()  # the half-downloaded file is not a paper
    assert [r["attachment_id"] for r in _rows(folder) if r["attachment_id"] and not r["restricted"]] == ["9001"]

    done = _qa(tmp_path / "idx", "sync", site.base, "--committee", "Cabinet", "--from", "2025-01-01", "--into", str(folder), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "1 documents downloaded" in done.stdout and "Indexed 5 new" in done.stdout
    rows = _rows(folder)
    assert len({r["filename"] for r in rows}) == len(rows) == 6
    a = Assistant(load_settings(data_dir=tmp_path / "idx"))
    sources = sorted(p.source for p in a.store.papers())
    assert len(sources) == 5 and not any(".partial" in s or s.endswith(".part") for s in sources)
    assert not (folder / ".partial").exists()


def test_a_site_without_the_web_service_gets_a_one_line_error(site, tmp_path):
    site.service = False
    out = _qa(tmp_path / "idx", "sync", site.base, "--into", str(tmp_path / "papers"))
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "has no modern.gov web service" in lines[0] and "qa index" in lines[0]
    assert "Traceback" not in out.stderr


def test_a_committee_name_must_say_which_committee():
    available = {"101": "Cabinet", "103": "Cabinet Member Decisions", "102": "Audit Committee"}
    assert choose_committees(available, ["cabinet"]) == {"101": "Cabinet"}  # the exact title wins
    assert choose_committees(available, ["audit"]) == {"102": "Audit Committee"}  # a part only one has
    assert choose_committees(available, []) == available
    with pytest.raises(SyncError, match="matches several committees; the site has: Cabinet, Cabinet Member Decisions"):
        choose_committees(available, ["Cab"])
    with pytest.raises(SyncError, match="is not a committee of this site"):
        choose_committees(available, ["Planning"])


@pytest.mark.parametrize("given, root", [
    ("https://democracy.kent.gov.uk", "https://democracy.kent.gov.uk"),
    ("https://democracy.kent.gov.uk/mgWebService.asmx?WSDL", "https://democracy.kent.gov.uk"),
    ("democracy.kent.gov.uk/", "https://democracy.kent.gov.uk"),
    ("https://www.council.gov.uk/moderngov/mgListCommittees.aspx?bcr=1", "https://www.council.gov.uk/moderngov"),
])
def test_the_site_address_is_read_from_what_people_paste(given, root):
    assert site_root(given) == root


def test_minutes_put_to_a_later_meeting_belong_to_the_meeting_they_record():
    m = Meeting("501", "101", "Cabinet", date(2025, 2, 12))
    minutes = Document("1", "CHAIR APPROVED Minutes Cabinet 20 Nov 2024", "u", False, "", "")
    report = Document("2", "Budget report 20 Nov 2024 update", "u", False, "", "")
    assert document_date(m, minutes) == date(2024, 11, 20)
    assert document_date(m, report) == date(2025, 2, 12)
