"""Advance widths of Helvetica (and the metric-compatible Arial / Liberation Sans), in 1/1000 em.

Used to tell a wrapped PDF line from a hard line break: a line was wrapped only when the next
word would not have fitted on it.
"""

from __future__ import annotations

_ASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
    "556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 "
    "556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
    "556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 "
    "611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
REGULAR = dict(zip(_ASCII, map(int, _REGULAR.split())))
BOLD = dict(zip(_ASCII, map(int, _BOLD.split())))
_EXTRA = {"\u2018": 222, "\u2019": 222, "\u201c": 333, "\u201d": 333, "\u2013": 556, "\u2014": 1000,
          "\u2026": 1000, "\u00a3": 556, "\u00e9": 556, "\u2022": 350}


def text_width(text: str, bold: bool = False) -> float:
    """Width of `text` in em (font size 1)."""
    table = BOLD if bold else REGULAR
    return sum(table.get(ch, _EXTRA.get(ch, 556)) for ch in text) / 1000.0
