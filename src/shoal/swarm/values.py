"""Reading numbers and dates as written in documents, so shoal can compare and add them.

Parsing is shoal's: a model copies "€3.3 million" or "five years" or "14 March 2031";
these functions turn the copy into a value and check it is really in the text.
"""

from __future__ import annotations

import re
from datetime import date

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
WORD_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
MONTHS = {
    m: i + 1
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
        ]
    )
    for m in names
}


def _canonical(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(round(x, 6))


_SCALED = re.compile(
    r"(?P<money>[£$€]\s?)?(?P<n>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<scale>thousand|million|billion|bn|mn|k|m)\b",
    re.IGNORECASE,
)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9,
           "billion": 1e9}  # fmt: skip


def _scaled(m: re.Match[str]) -> float | None:
    """A number with its scale ("£52k", "€3.3 million", "$1.2bn"); "3 m" or "5 bn" without
    a currency sign may be metres or anything else: not scaled."""
    scale = m.group("scale").lower()
    if scale in ("m", "mn", "bn") and not m.group("money"):
        return None
    try:
        return float(m.group("n").replace(",", "")) * _SCALES[scale]
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """The first number written in ``text`` (digits or a number word), with its scale
    ("£52k" is 52,000; "€3.3 million" 3,300,000)."""
    m = _NUMBER.search(text)
    if m:
        for scaled in _SCALED.finditer(text, max(0, m.start() - 2)):
            if scaled.start("n") == m.start() and (value := _scaled(scaled)) is not None:
                return value
            break
        try:
            return float(m.group(0).replace(",", ""))
        except ValueError:
            return None
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in WORD_NUMBERS:
            return float(WORD_NUMBERS[word])
    return None


_PLAIN = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def number_tokens(text: str) -> set[str]:
    """Every number written on its own in ``text``, canonical ("1,500" and "1500.0" are
    "1500"; "five" is "5"). Digits inside a date, a time or a code ("2026-03-09", "02:27",
    "v2.4.1") are not numbers of their own: a severity of 9 is not in "2026-03-09"."""
    from shoal.swarm.check import terms

    out = set()
    for t in terms(text):
        if _PLAIN.fullmatch(t):
            try:
                out.add(_canonical(float(t.replace(",", ""))))
            except ValueError:
                continue
        elif t in WORD_NUMBERS:
            out.add(str(WORD_NUMBERS[t]))
    for m in _SCALED.finditer(text):  # "£52k" also says 52000
        value = _scaled(m)
        if value is not None:
            out.add(_canonical(value))
    return out


def number_in(value: float, text: str) -> bool:
    return _canonical(value) in number_tokens(text)


def parse_date(text: str) -> date | None:
    """A date written as 2031-03-14, 14 March 2031, March 14, 2031, 14/03/2031 (day first),
    March 2031 (the 1st) or 2031 (1 January)."""
    t = text.strip().lower()
    try:
        m = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", t)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})\b", t)
        if m and m.group(2) in MONTHS:
            return date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
        m = re.search(r"\b([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b", t)
        if m and m.group(1) in MONTHS:
            return date(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
        m = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", t)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.search(r"\b([a-z]+) (\d{4})\b", t)
        if m and m.group(1) in MONTHS:
            return date(int(m.group(2)), MONTHS[m.group(1)], 1)
        m = re.fullmatch(r"\s*(\d{4})\s*", t)
        if m:
            return date(int(m.group(1)), 1, 1)
    except ValueError:
        return None
    return None


FULL_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}(?:st|nd|rd|th)? [A-Za-z]+\.?,? \d{4}\b"
    r"|\b[A-Za-z]+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b|\b\d{1,2}/\d{1,2}/\d{4}\b"
)


def dates_in(text: str) -> set[date]:
    """The full dates ``text`` writes, in any of ``parse_date``'s forms: "14 July 2027"
    holds the date a model wrote as 2027-07-14."""
    out = set()
    for m in FULL_DATE.finditer(text):
        day = parse_date(m.group(0))
        if day is not None:
            out.add(day)
    return out
