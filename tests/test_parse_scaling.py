"""Parsing stays linear in the input, and a file that is not a report is refused before the
rest of it is read: a 19 MB text without blank lines took over 70 s (the lines of a block were
added one at a time) and blocked the ingest worker. The bounds below are generous guards against
quadratic work (seconds where it took minutes), not speed figures; those come from `make bench`."""

from __future__ import annotations

import time

import pytest

from ingest.errors import IngestError
from ingest.parser import parse_report
from ingest.sources import load_source
from tests.conftest import report_text_path

LINE = "The health visitor saw the family at home and recorded the visit in the electronic record\n"


def test_a_huge_text_without_blank_lines_is_refused_as_not_a_report_quickly(tmp_path):
    path = tmp_path / "flood.txt"
    path.write_text(LINE * (19_000_000 // len(LINE)), encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(IngestError, match="not a CQC children's safeguarding report"):
        parse_report(load_source(path))
    assert time.perf_counter() - started < 20


def test_a_report_with_a_huge_soft_wrapped_paragraph_parses_in_linear_time(tmp_path):
    report = report_text_path("sefton-2018").read_text(encoding="utf-8")
    path = tmp_path / "long.txt"
    path.write_text(report + "\n" + LINE * (5_000_000 // len(LINE)), encoding="utf-8")
    started = time.perf_counter()
    parsed = parse_report(load_source(path))
    assert time.perf_counter() - started < 20
    assert max(len(p.text) for p in parsed.paragraphs) > 4_000_000  # the lines were joined, none lost
