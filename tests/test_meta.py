"""Meeting metadata without a manifest: committees as people name them, councils agreed by the papers of a folder."""

from pathlib import Path

import pytest

from index.build import agreed_meta, paper_meta
from index.discover import discover, file_hash
from index.meta import committee_from_path, committee_from_text, folder_consensus, normalise_committee, unify_names
from index.parse import parse_paper
from index.store import IndexStore
from qa.config import load_settings

from .conftest import SHARED


@pytest.mark.parametrize(
    "stated, committee",
    [
        ("LIMERICK CITY AND COUNTY COUNCIL", "Full Council"),
        ("Full Meeting of Limerick City and County Council", "Full Council"),
        ("County Council", "Full Council"),
        ("Cabinet", "Cabinet"),
        ("Limerick City and County Council’s Travel and Transportation Strategic Policy Committee", "Travel and Transportation Strategic Policy Committee"),
        ("LIMERICK CITY AND COUNTY COUNCIL HOME AND SOCIAL DEVELOPMENT SPC A meeting of Limerick", "Home and Social Development Strategic Policy Committee"),
        ("CHILDREN, YOUNG PEOPLE AND EDUCATION SCRUTINY COMMISSION DATE: TUESDAY", "Children, Young People and Education Scrutiny Commission"),
        ("Travel & Transportation Strategic Policy Committee", "Travel and Transportation Strategic Policy Committee"),
        ("the Kent Messenger", None),
    ],
)
def test_committee_names_are_committees(stated, committee):
    assert normalise_committee(stated) == committee


def test_committee_from_headings_and_names():
    minutes = "MINUTES OF PROCEEDINGS AT SPECIAL MEETING OF LIMERICK CITY AND\nCOUNTY COUNCIL HELD IN COUNCIL CHAMBER"
    assert committee_from_text(minutes) == "Full Council"
    letter = "**To: The Chairperson and Each Member of the Travel & Transportation Strategic Policy**\n**Committee of Limerick City & County Council**"
    assert committee_from_text(letter) == "Travel and Transportation Strategic Policy Committee"
    assert committee_from_path(Path("kent-cc/cabinet/2025-01-30/24-00096_-_EQIA.pdf")) == "Cabinet"
    assert committee_from_path(Path("kent-cc/full_council/2025-02-13/Budget.pdf")) == "Full Council"
    cut_short = Path("2023-02-21_Meeting_of_the_Travel_Transportation_Strategic_Policy_Commit/notes.md")
    assert committee_from_path(cut_short) is None  # a folder name cut at 60 characters names no committee
    spellings = ["Travel Transportation Strategic Policy Committee", *["Travel and Transportation Strategic Policy Committee"] * 2]
    assert unify_names(spellings)["Travel Transportation Strategic Policy Committee"] == "Travel and Transportation Strategic Policy Committee"


def test_a_folder_decides_when_its_papers_agree():
    root = Path("/papers")
    values = {
        root / "kent/cabinet/a.pdf": "Kent County Council",
        root / "kent/cabinet/b.pdf": "Kent County Council",
        root / "kent/cabinet/c.pdf": None,  # says nothing
        root / "kent/full/d.pdf": "Ashford Borough Council",  # a district named in a county report
        root / "kent/full/e.pdf": "Kent County Council",
        root / "kent/full/f.pdf": "Kent County Council",
        root / "leicester/2025-09-23/pack.pdf": "Leicester City Council",
        root / "leicester/2025-10-28/pack.pdf": "Leicester City Council",
        root / "leicester/2025-10-28/report.pdf": "Leicester City Council",
        root / "leicester/2025-10-28/minutes.html": None,
        root / "leicester/2025-10-28/appendix.pdf": "Nottingham City Council",  # a neighbour named in a report
    }
    agreed = folder_consensus(values)
    assert agreed[root / "kent/cabinet/c.pdf"] == "Kent County Council"
    assert agreed[root / "kent/full/d.pdf"] == "Kent County Council"
    assert agreed[root / "leicester/2025-10-28/minutes.html"] == "Leicester City Council"
    assert agreed[root / "leicester/2025-10-28/appendix.pdf"] == "Leicester City Council"
    # a meeting folder too small to decide takes what its papers agree on when the folder above is mixed
    mixed = {root / "a/1.pdf": "Kent County Council", root / "b/2.pdf": "Leicester City Council", root / "c/3.pdf": "Limerick City and County Council"}
    assert folder_consensus({**mixed, root / "b/4.html": None})[root / "b/4.html"] == "Leicester City Council"
    # one folder of several councils' papers decides nothing
    flat = {root / "a.pdf": "Kent County Council", root / "b.pdf": "Leicester City Council", root / "c.pdf": "Limerick City and County Council"}
    assert folder_consensus(flat) == {}


def test_without_a_manifest_the_shared_corpus_has_its_four_councils_and_real_committees():
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"the shared corpus is not at {corpus}")
    found = [f for f in discover([corpus]) if "/" in f.source]  # the corpus README is not a paper
    store = IndexStore(load_settings().store_config())
    around = agreed_meta(found, {f.path: file_hash(f.path) for f in found}, store, manifest={})
    metas = {f.source: paper_meta(f, parse_paper(f.path), None, around.get(f.path)) for f in found}
    by_folder: dict[str, tuple[set, set]] = {}
    for source, m in metas.items():
        councils, committees = by_folder.setdefault(source.split("/")[0], (set(), set()))
        councils.add(m.council)
        committees.add(m.committee)
    assert {k: v[0] for k, v in by_folder.items()} == {
        "kent-cc": {"Kent County Council"},
        "leicester": {"Leicester City Council"},
        "limerick-ie": {"Limerick City and County Council"},
        "weca": {"West of England Combined Authority"},
    }
    assert by_folder["kent-cc"][1] == {"Cabinet", "Full Council"}
    assert by_folder["leicester"][1] == {"Children, Young People and Education Scrutiny Commission"}
    assert by_folder["limerick-ie"][1] == {
        "Full Council",
        "Travel and Transportation Strategic Policy Committee",
        "Economic Development, Enterprise and Planning Strategic Policy Committee",
        "Home and Social Development Strategic Policy Committee",
    }
    # WECA's joint-meeting papers name no committee in their text or file names: none is better than a wrong one
    assert by_folder["weca"][1] <= {"Overview and Scrutiny Committee", "Joint meeting - West of England Combined Authority Committee", None}


@pytest.mark.parametrize(
    "text, years, periods",
    [
        ("spend on Riverfest in 2023", {2023}, {2023}),
        ("the 2025-26 net budget", {2025, 2026}, {2025, 2026}),
        ("forecast for 2025/26", {2025, 2026}, {2025, 2026}),
        ("the strategy 2023-2027", {2023, 2024, 2025, 2026, 2027}, {2023, 2024, 2025, 2026, 2027}),  # a span names its years
        ("paid in the five years 2018 to 2022", {2018, 2019, 2020, 2021, 2022}, {2018, 2019, 2020, 2021, 2022}),
        ("between 2019 and 2021", {2019, 2020, 2021}, {2019, 2020, 2021}),
        ("in 2018 and 2022", {2018, 2022}, {2018, 2022}),  # two years, not a span
        ("the plan for 2019-22", {2019, 2020, 2021, 2022}, {2019, 2020, 2021, 2022}),  # a span written short
        ("for the year ending on 31st December, 2023, under the Act 2001,", {2001, 2023}, {2001}),
        ("at the March 2026 meeting", {2026}, set()),  # a meeting date, not a period asked about
        ("paper 2025-01-30.pdf", {2025}, set()),
        ("£2023 and 2,023 and 1,2025", set(), set()),  # amounts, not years
        ("2021 € 15,754.75", {2021}, {2021}),
    ],
)
def test_the_years_a_text_names(text, years, periods):
    from index.meta import years_named

    assert years_named(text) == years
    assert years_named(text, periods_only=True) == periods


@pytest.mark.parametrize(
    "text, date_named, time_named",
    [
        ("on a boil water notice since the 13th May, following", True, True),
        ("Revenue expenditure was forecast in September 2025", True, True),
        ("Consultants will be procured early next year to progress the project.", False, True),
        ("the final strategy would be published in the summer", False, True),
        ("An update is due back in January", False, True),
        ("The position will be reported at Q3", False, True),
        ("families who did not sign consent within two weeks", False, False),  # how long, not when
        ("Next year, the deadline for applications was likely to move.", False, False),  # a year, not when it happens
        ("The report was noted.", False, False),
        ("Members may attend", False, False),  # "may", the verb
    ],
)
def test_when_a_text_says_something_happens(text, date_named, time_named):
    from index.meta import names_date, names_time

    assert names_date(text) == date_named
    assert names_time(text) == time_named


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("leicester-cype-2025-10-28-agenda-pack", "Agenda pack"),  # a slug: what the paper is, after its date
        ("leicester-cype-2025-10-28-minutes", "Minutes"),
        ("budget-report-final", "Budget report final"),
        ("Agenda_frontsheet_30th-Jan-2025_10.00_Cabinet", "Agenda frontsheet 30th-Jan-2025 10.00 Cabinet"),  # written by people
        ("24-00096_-_PRoD", "24-00096 - PRoD"),
    ],
)
def test_a_papers_title_from_its_file_name(stem, title):
    from index.meta import title_from_name

    assert title_from_name(stem) == title


@pytest.mark.parametrize(
    ("text", "asked", "reported"),
    [
        ("What was the underspend at the end of quarter 2 (September 2025)?", {2}, {2}),
        ("an underspend of £3m as at the end of June", {1}, {1}),  # June ends the financial year's first quarter
        ("the £9.9m underspend in CYPE (£3.1m in Quarter 2)", {2}, set()),  # a comparison, not the period reported
        ("Q3 monitoring and the third quarter", {3}, set()),
        ("the position at the end of quarter 4", {4}, {4}),
        ("as at the end of November", set(), set()),  # not a quarter's end
        ("The council met in June.", set(), set()),
    ],
)
def test_the_financial_quarters_a_text_names(text, asked, reported):
    from index.meta import quarters_named

    assert quarters_named(text) == asked and quarters_named(text, as_period=True) == reported


@pytest.mark.parametrize(
    ("text", "financial", "years"),
    [
        ("the headroom to 27/28 stands at £10.8m", {2027}, {2027, 2028}),
        ("the 2025-26 budget and 2026/2027 plans", {2025, 2026}, {2025, 2026, 2027}),
        ("spend in 24/25", {2024}, {2024, 2025}),
        ("signed on 12/01/25", set(), set()),  # a date, not a financial year
        ("three quarters (3/4) and a score of 45/46", set(), set()),
    ],
)
def test_financial_years_in_any_form(text, financial, years):
    from index.meta import financial_years, years_named

    assert financial_years(text) == financial and years_named(text) == years
