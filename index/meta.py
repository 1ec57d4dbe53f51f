"""Reading meeting metadata (dates, council, committee, document type) from text, names and manifests."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

from .types import DocType, PaperMeta

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH_NAMES = _MONTH_RE  # month names and their abbreviations, longest first, as a regex alternation
# "23 September 2025", "23rd September, 2025", "TUESDAY, 28 OCTOBER 2025", "28TH NOVEMBER, 2022"
DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
# "September 23, 2025"
MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
ISO_DATE = re.compile(r"\b(20\d\d|19\d\d)[-_.](\d\d)[-_.](\d\d)\b")
# "13th-Feb-2025" in modern.gov file names
DASHED = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?-({_MONTH_RE})-(\d{{4}})\b", re.IGNORECASE)
MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
# a day of a month with no year ("since the 13th May", "by 21 March")
DAY_MONTH = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\b", re.IGNORECASE)
# when something happens without a calendar date: "early next year", "by the summer", "in January", "Q3 2025",
# "the end of the financial year" (not how long it takes: "within two weeks")
RELATIVE_TIME = re.compile(
    r"\b(?:early|late|mid|end of|start of|beginning of|during|by|in|from|until|before|after)\s+(?:the\s+)?"
    r"(?:next|this|last|coming|following|current)\s+(?:year|month|week|spring|summer|autumn|winter|financial year|municipal year|quarter)\b"
    r"|\b(?:spring|summer|autumn|winter)\s+(?:of\s+)?(?:19|20)\d\d\b"
    r"|\b(?:in|by|during|over|until|after|before|from)\s+(?:the\s+)?(?:early\s+|late\s+)?(?:spring|summer|autumn|winter|new year)\b"
    r"|\b(?:in|by|from|until|during|before|after|since|early|late|mid)\s+(?:january|february|march|april|may|june|july|august|september|october|november|december)\b"
    r"|\b(?:Q[1-4]|quarter\s+[1-4]|(?:first|second|third|fourth)\s+quarter)\b",
    re.IGNORECASE,
)


def names_date(text: str) -> bool:
    """Whether `text` names a calendar date or month ("13th May", "September 2025")."""
    return bool(DAY_MONTH.search(text) or MONTH_YEAR.search(text) or ISO_DATE.search(text))


def names_time(text: str) -> bool:
    """Whether `text` says when, by a calendar date or in words ("early next year", "by the summer", "Q3")."""
    return names_date(text) or bool(RELATIVE_TIME.search(text))


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[date]:
    """Every full date written in `text`, in order of appearance."""
    found: list[tuple[int, date]] = []
    for rx, order in ((DAY_MONTH_YEAR, "dmy"), (MONTH_DAY_YEAR, "mdy"), (DASHED, "dmy")):
        for m in rx.finditer(text):
            if order == "dmy":
                d = _mk(int(m.group(3)), MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)))
            else:
                d = _mk(int(m.group(3)), MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2)))
            if d:
                found.append((m.start(), d))
    for m in ISO_DATE.finditer(text):
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), d))
    return [d for _, d in sorted(found, key=lambda x: x[0])]


# "2023", "2025-26", "2025/26", "2024-2025": a year, or a financial year naming the two it spans
_YEAR = re.compile(r"(?<![\d£€$.,])((?:19|20)\d\d)(?:\s?[-/–]\s?((?:19|20)?\d\d))?(?!\d|,\d)")


# a span of years: "2018 to 2022", "2018-2022", "between 2018 and 2022" (not "in 2018 and 2022")
_YEAR_SPAN = re.compile(r"\bbetween\s+((?:19|20)\d\d)\s+and\s+((?:19|20)\d\d)\b|(?<![\d£€$.,])((?:19|20)\d\d)\s*(?:-|–|to|until|till|through(?:\s+to)?)\s*((?:19|20)\d\d)(?!\d)")


# a financial year in short, as tables and reports write it: "24/25", "27/28" (not "3/4", not a date's "12/01/25")
_SHORT_FINANCIAL_YEAR = re.compile(r"(?<![\d/£€$.,])(\d\d)/(\d\d)(?![\d/]|,\d)")


def financial_years(text: str) -> set[int]:
    """The financial years `text` names, by their first year, in any form: "2027/28", "2027-28", "2027-2028",
    "27/28" -> {2027}."""
    out = set()
    for m in _SHORT_FINANCIAL_YEAR.finditer(text):
        first, second = int(m.group(1)), int(m.group(2))
        if second == first + 1 and 10 <= first <= 38:
            out.add(2000 + first)
    for m in _YEAR.finditer(text):
        if m.group(2):
            first = int(m.group(1))
            second = int(m.group(2)) if len(m.group(2)) == 4 else first // 100 * 100 + int(m.group(2))
            if second == first + 1:
                out.add(first)
    return out


def years_named(text: str, periods_only: bool = False) -> set[int]:
    """The calendar years `text` names (1990-2039); a financial year ("2025-26", "25/26") names both of its years. With
    `periods_only`, a year that belongs to a date ("13 February 2025", "March 2026") is left out: in a question
    that names a meeting, not the period asked about."""
    if periods_only:
        for rx in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, DASHED, ISO_DATE, MONTH_YEAR):
            text = rx.sub(" ", text)
    years = {int(m.group(1)) for m in _YEAR.finditer(text) if 1990 <= int(m.group(1)) <= 2039}
    spans = [tuple(int(g) for g in (m.group(1, 2) if m.group(1) else m.group(3, 4))) for m in _YEAR_SPAN.finditer(text)]
    # "2019-22", "2023/27": a span written short (a financial year, "2025-26", is read below)
    spans += [(int(m.group(1)), int(m.group(1)) // 100 * 100 + int(m.group(2))) for m in _YEAR.finditer(text) if m.group(2) and len(m.group(2)) == 2]
    for first, last in spans:  # "the five years 2018 to 2022" names 2019, 2020 and 2021 too
        if 1990 <= first and last <= 2039 and 1 < last - first <= 30:
            years |= set(range(first, last + 1))
    return years | {y for start in financial_years(text) if 1990 <= start <= 2039 for y in (start, start + 1)}


_QUARTER = re.compile(r"\bquarter\s*([1-4])\b|\bq([1-4])\b|\b(first|second|third|fourth)\s+quarter\b", re.IGNORECASE)
_PERIOD_END = re.compile(r"\b(?:as\s+at|(?:at|to)\s+the\s+end\s+of|end\s+of)\s+(?:the\s+)?(" + _MONTH_RE + r")\b", re.IGNORECASE)
# English councils' financial year starts in April: its quarters end in June, September, December and March
QUARTER_ENDING = {6: 1, 9: 2, 12: 3, 3: 4}
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}


_AS_AT_QUARTER = re.compile(r"\b(?:as\s+at|(?:at|to)\s+the\s+end\s+of|end\s+of)\s+(?:the\s+)?$", re.IGNORECASE)


def quarters_named(text: str, as_period: bool = False) -> frozenset[int]:
    """The financial quarters `text` is about: "quarter 2", "Q3", "the second quarter", or a period ending with a
    quarter's last month ("as at the end of June": quarter 1). Other months say nothing of a quarter. With
    `as_period` (for a passage's sentence), only the period it reports ("as at the end of June", "at the end of
    quarter 1"), not a quarter it compares with ("£9.9m (£3.1m in Quarter 2)")."""
    out = set()
    for m in _QUARTER.finditer(text):
        if as_period and not _AS_AT_QUARTER.search(text[: m.start()]):
            continue
        out.add(int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2)) else _ORDINAL[m.group(3).lower()])
    for m in _PERIOD_END.finditer(text):
        month = MONTHS.get(m.group(1).lower().rstrip("."))
        if month in QUARTER_ENDING:
            out.add(QUARTER_ENDING[month])
    return frozenset(out)


def first_date(text: str) -> date | None:
    """The first full date in `text`, or None."""
    dates = find_dates(text)
    return dates[0] if dates else None


# Lines that state the date of the meeting a paper is for, or that minutes record.
_MEETING_DATE_LINE = re.compile(
    r"^\s*(?:date(?: of meeting)?\s*:|held\s*:|held on|meeting held on|date of decision\s*:)"
    r"|minutes of (?:the )?(?:proceedings at )?(?:special |annual |statutory budget )?meeting"
    r"|\bheld (?:in|at|on|remotely)\b"
    r"|^\s*agenda (?:and minutes )?for .+ on \w+day\b",  # modern.gov page titles
    re.IGNORECASE,
)


def meeting_date_from_text(text: str, window: int = 4000) -> date | None:
    """The meeting date a paper states near its top ("DATE: TUESDAY, 28 OCTOBER 2025", "Held: ...")."""
    head = text[:window]
    lines = head.split("\n")
    for i, line in enumerate(lines):
        if _MEETING_DATE_LINE.search(line):
            d = first_date(" ".join(lines[i : i + 4]))
            if d:
                return d
    return None


_COUNCIL_RE = re.compile(
    r"\b((?:[A-Z][a-z]+ (?:(?:of|and) )?){1,4}(?:City and County|City|County|Borough|District|Town|Parish) Council"
    r"|(?:[A-Z][a-z]+ (?:of )?){1,4}(?:Mayoral )?Combined Authority)\b"
)


# words that can stand before "County Council" without being a council's name ("13 March County Council")
_NOT_COUNCIL_WORDS = {
    "The", "This", "Each", "Every", "All", "Our", "Of", "For", "Full", "Special", "Annual", "Extraordinary", "Whole",
    "Next", "Previous", "Last", "Budget", "Joint", "Mayoral", "Meeting", "Minutes", "Agenda", "A", "An", "And", "To",
    *(m.title() for m in MONTHS), "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}


def council_from_text(text: str) -> str | None:
    """The council whose name a paper states most often near its top (upper-case headings count too)."""
    head = "\n".join(smart_title(line) if line.isupper() else line for line in text[:8000].split("\n"))
    names: Counter = Counter()
    for m in _COUNCIL_RE.finditer(head):
        words = m.group(1).split()
        while words and (words[0] in _NOT_COUNCIL_WORDS or words[0].islower()):
            words = words[1:]
        if len(words) >= 2 and not (len(words) == 2 and words[0] in {"County", "City", "Borough", "District", "Town", "Parish"}):
            names[" ".join(words).replace(" Mayoral Combined", " Combined")] += 1
    return names.most_common(1)[0][0] if names else None


def council_heading(text: str, lines: int = 40) -> str | None:
    """A council named by a line of its own near the top of a paper ("Othershire District Council",
    "KENT COUNTY COUNCIL"): the paper's author, stated as plainly as a paper states it."""
    named = set()
    for line in [ln.strip(" *#|:-;") for ln in text.split("\n") if ln.strip()][:lines]:
        line = smart_title(line) if line.isupper() else line
        m = _COUNCIL_RE.fullmatch(line)
        if m and line.split()[0] not in _NOT_COUNCIL_WORDS:
            named.add(council_from_text(line))
    return named.pop() if len(named) == 1 else None  # a list of councils heads no paper


_BODY_WORDS = "commission|committee|cabinet|board|panel|forum"  # what a body of a council is called
_COMMITTEE_WORDS = re.compile(rf"\b({_BODY_WORDS}|council|sub-committee|authority)\b", re.I)
# "MEETING OF THE ... COMMISSION", "Minutes of the Meeting of ... held on", "MINUTES OF PROCEEDINGS AT SPECIAL MEETING OF
# LIMERICK CITY AND COUNTY COUNCIL HELD IN ...", "Agenda for Cabinet on Thursday, ...", "To Each Member of the ... SPC"
_COMMITTEE_STATED = [
    re.compile(
        r"\bminutes of (?:the )?(?:proceedings (?:at|of) )?(?:the )?(?:an? )?(?:special |annual |extraordinary |statutory budget |full )?"
        r"meeting of (?:the )?(.+?)(?:\s+held\b|\s+on\s+\w+day\b|$)",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*(?:special |annual |extraordinary )?meeting of (?:the )?(.+?)(?:\s+held\b|\s+on\s+\w+day\b|$)", re.IGNORECASE),
    re.compile(r"^\s*agenda for (.+?) on \w+day", re.IGNORECASE),
    re.compile(r"\beach member of the (.+?(?:committee|commission|board|panel))\b", re.IGNORECASE),
]
# "Full Meeting of Limerick City and County Council", "Statutory Budget 2024 Meeting of ...": the council itself meets
_FULL_MEETING = re.compile(r"^(?:(?:full|special|annual|extraordinary|statutory|budget|ordinary|\d{4})\s+)*meeting of (?:the )?(.+)$", re.I)


def smart_title(text: str) -> str:
    """'CHILDREN, YOUNG PEOPLE AND EDUCATION' -> 'Children, Young People and Education'."""
    if text.upper() != text:
        return text.strip()
    small = {"and", "of", "the", "for", "on", "in", "to", "a", "at", "&"}
    words = text.lower().split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def normalise_committee(name: str) -> str | None:
    """A committee as people name it, or None when `name` is not one.

    The council meeting as a whole is "Full Council" ("Meeting of Limerick City and County Council",
    "County Council"); a council's possessive is dropped ("Limerick City and County Council's Travel ...
    Committee" -> "Travel ... Committee"); "&" reads "and".
    """
    name = re.sub(r"\s+", " ", name.replace("*", "")).strip(" ,.-–:")
    m = _FULL_MEETING.match(name)
    if m:
        name = m.group(1)
    name = name.replace(" & ", " and ")
    # a heading read with the lines after it: the name ends at its first committee word ("... Commission Date: ..."),
    # or, for the council itself, at its last "Council"
    body = re.search(rf"\b(?:{_BODY_WORDS}|SPC)\b", name, re.I)
    ends = list(re.finditer(r"\b(?:council|authority)\b", name, re.I))
    if body:
        name = name[: body.end()]
    elif ends:
        name = name[: ends[-1].end()]
    name = smart_title(name)
    name = re.sub(r"\bSPC\b", "Strategic Policy Committee", name, flags=re.I)  # Irish councils' strategic policy committees
    # "Limerick City and County Council's Travel ... Committee", "... County Council Home and Social ... Committee"
    name = re.sub(r"^.*?\b(?:Council|Authority)(?:['’]s)?,?\s+(?=(?:\S+\s+){2,}?(?:Committee|Commission|Board|Panel|Forum)$)", "", name, flags=re.I)
    if not _COMMITTEE_WORDS.search(name) or len(name) > 120:
        return None
    if re.fullmatch(r"(?:(?:[A-Z][\w'’-]*|of|and)\s+)*(?:County |City |Borough |District |Town |Parish )?Council", name) and not re.search(
        rf"\b({_BODY_WORDS})\b", name, re.I
    ):
        return "Full Council"  # the council itself ("Kent County Council", "County Council", "Full Council")
    return name[:1].upper() + name[1:]


def committee_from_text(text: str) -> str | None:
    """The committee a paper's heading names ("MEETING OF THE ... COMMISSION", "Minutes of ... held on")."""
    lines = [line.strip().replace("*", "") for line in text[:3000].split("\n") if line.strip()]
    for i, line in enumerate(lines[:40]):
        # headings wrap: read each line with the two after it
        window = " ".join(lines[i : i + 3])
        for rx in _COMMITTEE_STATED:
            m = rx.search(window)
            if not m or m.start() > len(line):  # the heading starts on this line
                continue
            name = normalise_committee(m.group(1))
            if name:
                return name
    return None


def committee_from_path(rel: Path) -> str | None:
    """A committee named by a file or folder ("Minutes_-_Meeting_of_the_X_Committee_-_21st_February_2023.md",
    "kent-cc/cabinet/2025-01-30/..."): the file name first, then the nearest folder that names one."""
    for part in [rel.stem, *reversed(rel.parts[:-1])]:
        words = part.replace("_", " ").replace("-", " ")
        words = re.sub(r"^\s*(?:19|20)\d\d \d\d \d\d\b", " ", words)
        m = re.search(r"\bmeeting of (?:the )?(.+?)(?:\s{2,}|\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4}|$)", words, re.I)
        if m:
            name = normalise_committee(m.group(1))
            if name and not re.search(r"\bcommit$|\bcommitt?e?$", name, re.I):  # folder names cut short ("... Commit")
                return name
        if re.fullmatch(r"\s*(full council|cabinet|county council|council)\s*", words, re.I):
            return normalise_committee(words.strip().title())
    return None


def _name_key(name: str) -> tuple[str, ...]:
    return tuple(sorted(w for w in re.findall(r"\w+", name.lower()) if w not in {"and", "of", "the"}))


def unify_names(names: list[str | None]) -> dict[str, str]:
    """The same committee spelt several ways ("Travel Transportation ..." / "Travel and Transportation ...")
    maps to its most common spelling (the longest on a tie)."""
    groups: dict[tuple, Counter] = {}
    for n in names:
        if n:
            groups.setdefault(_name_key(n), Counter())[n] += 1
    out = {}
    for c in groups.values():
        best = max(c, key=lambda n: (c[n], len(n)))
        out.update({n: best for n in c})
    return out


def folder_consensus(values: dict[Path, str | None], min_papers: int = 3, share: float = 0.6) -> dict[Path, str]:
    """For each paper, the value the papers around it state.

    Walking up from the paper, the nearest folder in which at least `min_papers` papers state a value decides:
    its value when at least `share` of them agree; when they don't (a folder of several councils' papers, a
    council's folder of several committees), the agreement of the smaller folder below it, if any.
    """
    counts: dict[Path, Counter] = {}
    for path, value in values.items():
        if value:
            for folder in path.parents:
                counts.setdefault(folder, Counter())[value] += 1
    out: dict[Path, str] = {}
    for path in values:
        below = None  # the agreement of the widest folder too small to decide
        decided = None
        for folder in path.parents:
            c = counts.get(folder)
            if not c:
                continue
            total = sum(c.values())
            value, n = c.most_common(1)[0]
            if total >= min_papers:
                decided = value if n / total >= share else below
                break
            if n == total:
                below = value
        decided = decided or below
        if decided:
            out[path] = decided
    return out


_DOC_TYPE_WORDS: list[tuple[DocType, re.Pattern]] = [
    (DocType.MINUTES, re.compile(r"minute", re.I)),
    (DocType.DECISION, re.compile(r"decision|record of|PROD\b|prod\b", re.I)),
    (DocType.AGENDA, re.compile(r"agenda|frontsheet|reports pack|meeting[- ]page", re.I)),
    (DocType.APPENDIX, re.compile(r"appendix|annex|eqia|equality impact|screening", re.I)),
    (DocType.REPORT, re.compile(r"report|amendment|statement|strategy|plan|update|policy|budget", re.I)),
]


def doc_type_from_words(text: str) -> DocType | None:
    """Guess a document type from a file name, title or manifest description: the kind named first wins
    ("agenda pack (agenda, minutes of 23 Sep ...)" is an agenda; "Printed minutes" are minutes)."""
    found = [(m.start(), n, kind) for n, (kind, rx) in enumerate(_DOC_TYPE_WORDS) for m in [rx.search(text)] if m]
    return min(found)[2] if found else None


def meta_from_path(path: Path, root: Path) -> PaperMeta:
    """Fallback metadata from folder and file names: a date in the path, the committee folder."""
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    meta = PaperMeta()
    for part in [rel.name, *reversed(rel.parts[:-1])]:
        d = first_date(part.replace("_", " ")) or (
            _mk(*map(int, ISO_DATE.search(part).groups())) if ISO_DATE.search(part) else None
        )
        if d:
            meta.meeting_date = d
            break
    meta.committee = committee_from_path(rel)
    meta.doc_type = doc_type_from_words(rel.stem)
    meta.title = title_from_name(rel.stem)
    return meta


_SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)+$")


def title_from_name(stem: str) -> str:
    """A paper's title from its file name: the name itself where people wrote it ("Agenda frontsheet 30th-Jan-2025",
    underscores as spaces), or for a machine's slug ("leicester-cype-2025-10-28-agenda-pack") the words after its
    date, which say what the paper is ("Agenda pack"; the council, committee and date are in the label already)."""
    if not _SLUG.match(stem):
        return stem.replace("_", " ").strip()
    words = re.split(r"[-_.]", stem)
    iso = ISO_DATE.search(stem)
    after = re.split(r"[-_.]", stem[iso.end():].strip("-_.")) if iso else []
    kept = [w for w in (after if any(after) else words) if w and not w.isdigit()]
    return " ".join(kept).capitalize() if kept else stem


MANIFEST_NAMES = ("SOURCES.tsv", "manifest.tsv", "manifest.csv", "councilqa-manifest.csv")


def read_manifest(path: Path) -> dict[Path, PaperMeta]:
    """Read a CSV/TSV manifest (columns: filename, council, committee, meeting_date, document_type[, title,
    source_url (or original_url), agenda_item]).

    File names are relative to the manifest's folder.
    """
    delim = "\t" if path.suffix.lower() == ".tsv" else ","
    out: dict[Path, PaperMeta] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=delim):
            name = (row.get("filename") or row.get("file") or "").strip()
            if not name:
                continue
            iso = (row.get("meeting_date") or row.get("date") or "").strip()
            kind = (row.get("document_type") or row.get("doc_type") or "").strip()
            meta = PaperMeta(
                council=(row.get("council") or "").split("(")[0].strip() or None,
                committee=(row.get("committee") or "").strip() or None,
                meeting_date=date.fromisoformat(iso) if ISO_DATE.fullmatch(iso or "") else None,
                doc_type=doc_type_from_words(kind) if kind else None,
                title=(row.get("title") or "").strip() or None,
                source_url=(row.get("source_url") or row.get("original_url") or "").strip() or None,
                agenda_item=(row.get("agenda_item") or "").strip() or None,
            )
            out[(path.parent / name).resolve()] = meta
    return out


def merge(*metas: PaperMeta) -> PaperMeta:
    """Field by field, the first value that is set wins."""
    out = PaperMeta()
    for field_name in ("council", "committee", "meeting_date", "doc_type", "title", "source_url", "agenda_item"):
        for meta in metas:
            value = getattr(meta, field_name)
            if value:
                setattr(out, field_name, value)
                break
    return out
