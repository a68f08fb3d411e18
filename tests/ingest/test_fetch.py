"""Bad inputs get one-line errors and leave the store as it was; HTML files and pages are reduced to text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest import IngestError
from bot.ingest.pipeline import ingest
from tests.fakes.web_pages import WebPages, closed_port
from tests.ingest.helpers import DEC9, REPORTS, make_store, snapshot

BAD_HTML = b"<!doctype html><html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"


@pytest.fixture
def store(sqlite_url: str):  # noqa: ANN201
    return make_store(sqlite_url)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n\t\n", "empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, "binary"),
    ("latin1.txt", "Bangkok (December 9, 2025) - Réfugiés déplacés".encode("latin-1"), "not UTF-8"),
    ("big.txt", b"Bangkok, Thailand (December 9, 2025) - words. " * 70_000, "too large"),
    ("menu.html", BAD_HTML, "no article text"),
])
def test_bad_files_are_refused_with_one_line_and_nothing_written(store, tmp_path: Path, name: str, data: bytes,
                                                                 message: str) -> None:
    before = snapshot(store)
    with pytest.raises(IngestError) as err:
        ingest(store, write(tmp_path, name, data))
    text = str(err.value)
    assert message in text and "\n" not in text
    assert snapshot(store) == before


def test_three_megabytes_is_over_the_limit(store, tmp_path: Path) -> None:
    data = b"x" * (3 * 1024 * 1024)
    with pytest.raises(IngestError, match=r"too large \(3\.0 MB; the limit is 2\.0 MB\)"):
        ingest(store, write(tmp_path, "three.txt", data))


def test_missing_file_and_directory(store, tmp_path: Path) -> None:
    before = snapshot(store)
    with pytest.raises(IngestError, match="cannot read"):
        ingest(store, str(tmp_path / "nope.txt"))
    with pytest.raises(IngestError, match="directory"):
        ingest(store, str(tmp_path))
    assert snapshot(store) == before


def test_unreachable_url_on_a_closed_port(store) -> None:
    before = snapshot(store)
    with pytest.raises(IngestError, match="cannot reach it"):
        ingest(store, f"http://127.0.0.1:{closed_port()}/report.html", timeout=5)
    assert snapshot(store) == before


def test_http_error_and_other_schemes(store) -> None:
    with WebPages({}) as site:
        with pytest.raises(IngestError, match="HTTP 404"):
            ingest(store, f"{site.base}/missing")
    with pytest.raises(IngestError, match="only http"):
        ingest(store, "ftp://example.org/report.txt")


def test_a_report_without_a_date_needs_published(store, tmp_path: Path) -> None:
    path = write(tmp_path, "nodate.txt", b"At least 30 people have been killed in the fighting.\n")
    before = snapshot(store)
    with pytest.raises(IngestError, match="--published") as refused:
        ingest(store, path)
    assert "dateline" in str(refused.value) and "Published 22 June 2025" in str(refused.value)
    assert snapshot(store) == before
    result = ingest(store, path, published="2025-12-30", title="Undated wire")
    assert result.published.isoformat() == "2025-12-30" and result.title == "Undated wire"


def test_html_file_is_reduced_to_its_article(store) -> None:
    result = ingest(store, str(REPORTS / "page.html"))
    assert result.published.isoformat() == "2025-12-28"
    assert result.title == "Shelling eases along the border"
    text = store.load_briefing().source(result.source_id).text
    assert "The death toll from the fighting has risen to 25" in text
    assert "Privacy" not in text and "Home" not in text
    figures = {c.fact.metric: c.fact for _, c in result.queued if c.kind == "figure"}
    assert figures["killed"].value == 25 and figures["killed"].scope == ""
    assert figures["displaced"].value == 450_000 and figures["displaced"].qualifier == "more_than"


def test_html_page_served_locally_is_ingested_by_url(store) -> None:
    body = (REPORTS / "page.html").read_bytes()
    with WebPages({"/news/shelling.html": ("text/html; charset=utf-8", body)}) as site:
        url = f"{site.base}/news/shelling.html"
        result = ingest(store, url)
        assert site.requests == ["/news/shelling.html"]
    source = store.load_briefing().source(result.source_id)
    assert source.url == url and source.publisher == "Example News"
    assert "Cambodian Foreign Minister Prak Sokhonn" in source.text
    again = ingest(store, str(REPORTS / "page.html"))
    assert again.duplicate and again.source_id == result.source_id


def test_plain_text_url_and_stdin(store, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    with WebPages({"/dec9.txt": ("text/plain; charset=utf-8", DEC9.read_bytes())}) as site:
        first = ingest(store, f"{site.base}/dec9.txt")
    assert not first.duplicate and first.published.isoformat() == "2025-12-09"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DEC9.read_bytes())))
    again = ingest(store, "-")
    assert again.duplicate and again.source_id == first.source_id


def test_a_dateline_without_a_year_takes_the_nearest_year(store, tmp_path: Path) -> None:
    path = write(tmp_path, "wire.txt", b"Toll rises\n\nPHNOM PENH, Dec 23 (Reuters) - The death toll rose to 21.\n")
    assert ingest(store, path).published.isoformat() == "2025-12-23"
