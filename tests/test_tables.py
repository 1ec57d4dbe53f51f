"""Table rows as quotable units: each row keeps its label and figures, and its table's header lines."""

from index.tables import cells, table_rows
from index.types import Chunk, Span
from qa.answer import split_sentences

# as pypdfium2 prints Kent's Table 3.1 (budget report, February 2025): headers wrapped one cell to a line,
# a long row label over two lines with its figures on a third
CORE_SPENDING = """3.2 Table 3.1 sets out the core spending power for KCC and England for 2025-26
compared to adjusted amount for 2024-25.
Table 3.1 2025-26 Final 2024-25 Final
Kent
£'m
England
£'m
Council Tax 993.9 38,311.8 935.7 36,153.5
Grants
Social Care Grant 137.1 5,924.0 117.0 5,044.0
Domestic Abuse Safe Accommodation
Grant
4.0 160.0 3.2 129.7
Total Core Spending Power 1,505.1 69,405.9 1,406.1 64,982.1
3.3 The overall increase in KCC's core spending power over 2024-25 is 7.04% (6.31%
excluding National Insurance grant). This is less than the average of 7.35% (6.58%
excluding National Insurance grant) for social care authorities."""

# a two-column table from an HTML page: one cell to a line, a header for each column of figures
FESTIVALS = """Outlined below are budget allocations for festivals.
**Year**
**Riverfest**
2021
€ 15,754.75
2022
€321,821.62
**Year**
**Christmas in Limerick**
2021
€ 70,760.75
2022
€110,000.00
NOTICES OF MOTION"""


def _rows(text: str) -> list[tuple[str, str]]:
    lines = [line.strip() for line in text.split("\n")]
    return [(" ".join(lines[r.header_start : r.header_end]), " ".join(x for x in lines[r.start : r.end] if x)) for r in table_rows(lines)]


def test_cells_counts_the_figures_that_end_a_line():
    assert cells("Social Care Grant 137.1 5,924.0 117.0 5,044.0") == 4
    assert cells("Net Change (%) +9.8% +4.5% -0.1%") == 3
    assert cells("Base Adjustment +£0.3m -£0.4m - -£0.8m") == 4
    assert cells("Millmead Margate 31/03/2025 £222,127.44") == 2
    assert cells("the council agreed the plan") == 0


def test_rows_keep_their_labels_and_their_tables_header():
    rows = _rows(CORE_SPENDING)
    header = "Table 3.1 2025-26 Final 2024-25 Final Kent £'m England £'m"
    assert (header, "Social Care Grant 137.1 5,924.0 117.0 5,044.0") in rows
    assert (header, "Domestic Abuse Safe Accommodation Grant 4.0 160.0 3.2 129.7") in rows  # label wrapped above
    assert next(r for _, r in rows) == "Council Tax 993.9 38,311.8 935.7 36,153.5"
    assert len(rows) == 4


def test_prose_with_figures_is_not_a_table():
    assert not any("overall increase" in r or "excluding" in r for _, r in _rows(CORE_SPENDING))
    prose = "The overspend has increased by £2.9m and is now £35.4m.\nIt was reported to Cabinet in 2024 and 2025."
    assert _rows(prose) == []


def test_a_column_of_single_figures_is_read_in_pairs_under_its_own_header():
    rows = _rows(FESTIVALS)
    assert ("**Year** **Riverfest**", "2022 €321,821.62") in rows
    assert ("**Year** **Christmas in Limerick**", "2021 € 70,760.75") in rows
    assert len(rows) == 4


def test_the_splitter_makes_each_row_one_unit_with_its_header():
    chunk = Chunk(id="c", paper_id="p", source="p.pdf", text=CORE_SPENDING, spans=[Span(0, len(CORE_SPENDING), 11, 12, "12")])
    units = split_sentences(chunk, 0)
    row = next(u for u in units if u.text.startswith("Social Care Grant"))
    assert row.text == "Social Care Grant 137.1 5,924.0 117.0 5,044.0"  # not run into the next row
    assert row.header.startswith("Table 3.1 2025-26 Final") and row.is_row
    assert row.page_index == 11 and row.label == "12"
    prose = [u for u in units if not u.is_row]
    assert any(u.text.startswith("3.3 The overall increase") for u in prose)


def test_a_header_on_another_page_is_not_given_to_a_row():
    first = "Table 3.1 2025-26 Final 2024-25 Final\n"
    text = first + "Council Tax 993.9 38,311.8 935.7 36,153.5\nSocial Care Grant 137.1 5,924.0 117.0 5,044.0"
    chunk = Chunk(id="c", paper_id="p", source="p.pdf", text=text, spans=[Span(0, len(first), 0, 1, "1"), Span(len(first), len(text), 1, 2, "2")])
    row = next(u for u in split_sentences(chunk, 0) if u.text.startswith("Social Care Grant"))
    assert row.header == "" and row.page_index == 1


def test_a_single_row_of_three_figures_or_more_is_a_table():
    text = "3.2 Indicative Overall Capacity (Supply) of FEEE places is as follows:\nFEEE 9-23MO 2YO (30) 2YO (15) 3 and\n4YO\nIndicative supply 746 1,039 1,457 5,466 2,113\n3.3 Additionally, the schools' capacity shows 4,933 places."
    rows = _rows(text)
    assert rows == [("FEEE 9-23MO 2YO (30) 2YO (15) 3 and 4YO", "Indicative supply 746 1,039 1,457 5,466 2,113")]
    assert _rows("Totals £426,429.60\nThe report was noted.") == []  # one figure alone is not


def test_a_figure_in_a_table_row_is_quoted_with_its_columns(tmp_path):
    """'How much Social Care Grant ...' answers with the row, its table's header shown beside it and both checked
    on the page; the prose around the table does not win."""
    from .conftest import index_texts

    a = index_texts(tmp_path / "kent", {"budget-report-2025-02-13.md": "Final 2025-26 Local Government Finance Settlement\n\n" + CORE_SPENDING + "\n"})
    answer = a.ask("How much Social Care Grant is Kent getting in 2025-26 compared with 2024-25?")
    row = next(c for c in answer.citations if c.text.startswith("Social Care Grant"))
    assert row.text == "Social Care Grant 137.1 5,924.0 117.0 5,044.0" and row.verified
    assert row.header.startswith("Table 3.1 2025-26 Final 2024-25 Final")
    assert f"Social Care Grant 137.1 5,924.0 117.0 5,044.0 (table columns: {row.header})" in answer.text


# Kent's family hub decision report: the total says whose costs only with the rows above it
CONTRACTS = """4.1 The table below sets out the annual cost of each of the existing contracts.
Centre Area Contract End Date Contract value per Annum
Millmead Margate 31/03/2025 £222,127.44
Seashells Sheerness 31/03/2025 £204,302.16
Totals £426,429.60
Millmead"""


def test_a_total_is_quoted_with_the_rows_it_totals_when_they_are_short():
    from index.tables import MOST_TOTAL_CHARS

    chunk = Chunk(id="c", paper_id="p", source="p.pdf", text=CONTRACTS, spans=[Span(0, len(CONTRACTS), 4, 5, "5")])
    rows = [u.text for u in split_sentences(chunk, 0) if u.is_row]
    both = "Millmead Margate 31/03/2025 £222,127.44 Seashells Sheerness 31/03/2025 £204,302.16 Totals £426,429.60"
    assert rows == ["Millmead Margate 31/03/2025 £222,127.44", "Seashells Sheerness 31/03/2025 £204,302.16", "Totals £426,429.60", both]
    # a total of many rows is quoted alone (and a row that is not a total never takes rows with it)
    many = "\n".join(["Centre Area Contract value"] + [f"Centre {k} Town {k} £{k},000.00" for k in range(1, 40)] + ["Total £780,000.00"])
    assert len(many) > MOST_TOTAL_CHARS
    chunk = Chunk(id="c", paper_id="p", source="p.pdf", text=many, spans=[Span(0, len(many), 0, 1, "1")])
    units = [u.text for u in split_sentences(chunk, 0) if u.is_row]
    assert units[-1] == "Total £780,000.00" and not any(u.startswith("Centre 1 ") and "Total" in u for u in units)
    # the rows of a total on another page are not quoted with it
    first = CONTRACTS.index("Seashells")
    chunk = Chunk(id="c", paper_id="p", source="p.pdf", text=CONTRACTS, spans=[Span(0, first, 4, 5, "5"), Span(first, len(CONTRACTS), 5, 6, "6")])
    assert both not in [u.text for u in split_sentences(chunk, 0)]
