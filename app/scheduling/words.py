"""The rule of a series in words, in Finnish, Swedish and English (CLDR names through babel)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from babel.dates import format_date, format_time, get_day_names, get_month_names

from app.scheduling.finnish_holidays import _language
from app.scheduling.rrule import _WORKDAYS, _format, _parse, _resolve_until
from app.scheduling.shape import _Shape, _shape
from app.scheduling.zones import _wall, validate_timezone

def _join(items: Sequence[str], conjunction: str) -> str:
    """"a", "a and b", "a, b and c" (no serial comma in any of the three languages)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _day_names(language: str) -> dict[int, str]:
    # Stand-alone nominatives: CLDR's Finnish "format" names are essives, except Sunday's.
    return dict(get_day_names("wide", context="stand-alone", locale=language))


def _month_names(language: str) -> dict[int, str]:
    return dict(get_month_names("wide", context="stand-alone", locale=language))


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


# English ------------------------------------------------------------------------------------------
_EN_POSITION = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second-to-last"}


def _en_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _en_every(i: int, one: str, unit: str) -> str:
    return one if i == 1 else f"Every {i} {unit}s"


def _en_nth(nth: Sequence[tuple[int, int]], days: dict[int, str]) -> str:
    if len({wd for _, wd in nth}) == 1:
        return "the " + _join([_EN_POSITION[n] for n, _ in nth], "and") + " " + days[nth[0][1]]
    return _join([f"the {_EN_POSITION[n]} {days[wd]}" for n, wd in nth], "and")


def _describe_en(shape: _Shape, start: datetime) -> str:
    days, months = _day_names("en"), _month_names("en")
    i = shape.interval
    if shape.kind == "daily":
        head = _en_every(i, "Every day", "day")
    elif shape.kind == "weekly":
        if set(shape.weekdays) == _WORKDAYS:
            head = "Every weekday" if i == 1 else f"Every {i} weeks on weekdays"
        else:
            head = _en_every(i, "Every week", "week") + " on " + _join([days[d] for d in shape.weekdays], "and")
    elif shape.kind == "monthdays":
        if shape.monthdays[0] < 0:
            what = f"the {_EN_POSITION[shape.monthdays[0]]} day"
        else:
            what = "the " + _join([_en_ordinal(d) for d in shape.monthdays], "and")
        head = _en_every(i, "Monthly", "month") + " on " + what
    elif shape.kind == "nth":
        head = _en_every(i, "Monthly", "month") + " on " + _en_nth(shape.nth, days)
    elif shape.kind == "nth_workday":
        head = _en_every(i, "Monthly", "month") + f" on the {_EN_POSITION[shape.position]} weekday"
    elif shape.kind == "yearly_dates":
        dates = [format_date(date(2000, m, d), "d MMMM", locale="en") for m, d in shape.dates]
        head = _en_every(i, "Every year", "year") + " on " + _join(dates, "and")
    else:  # yearly_nth
        head = (_en_every(i, "Every year", "year") + " on " + _en_nth(shape.nth, days)
                + " of " + _join([months[m] for m in shape.months], "and"))
    return f"{head} at {format_time(start.time(), 'H.mm', locale='en')}"


# Finnish ------------------------------------------------------------------------------------------
_FI_EVERY_NOMINATIVE = {2: "toinen", 3: "kolmas", 4: "neljäs", 5: "viides", 6: "kuudes", 7: "seitsemäs",
                        8: "kahdeksas", 9: "yhdeksäs", 10: "kymmenes"}
_FI_EVERY_GENITIVE = {2: "toisen", 3: "kolmannen", 4: "neljännen", 5: "viidennen", 6: "kuudennen",
                      7: "seitsemännen", 8: "kahdeksannen", 9: "yhdeksännen", 10: "kymmenennen"}
_FI_POSITION_ESSIVE = {1: "ensimmäisenä", 2: "toisena", 3: "kolmantena", 4: "neljäntenä", 5: "viidentenä",
                       -1: "viimeisenä", -2: "toiseksi viimeisenä"}


def _fi_every(i: int, table: dict[int, str]) -> str:
    return table.get(i, f"{i}.")


def _fi_habitual(name: str) -> str:
    """maanantai → maanantaisin, keskiviikko → keskiviikkoisin ("on Mondays")."""
    return name + ("sin" if name.endswith("i") else "isin")


def _fi_nth(nth: Sequence[tuple[int, int]], days: dict[int, str]) -> str:
    if len({wd for _, wd in nth}) == 1:
        return _join([_FI_POSITION_ESSIVE[n] for n, _ in nth], "ja") + " " + days[nth[0][1]] + "na"
    return _join([f"{_FI_POSITION_ESSIVE[n]} {days[wd]}na" for n, wd in nth], "ja")


def _describe_fi(shape: _Shape, start: datetime) -> str:
    days, months = _day_names("fi"), _month_names("fi")
    i = shape.interval
    month_lead = "kuukauden" if i == 1 else f"joka {_fi_every(i, _FI_EVERY_GENITIVE)} kuukauden"
    if shape.kind == "daily":
        head = "joka päivä" if i == 1 else f"joka {_fi_every(i, _FI_EVERY_NOMINATIVE)} päivä"
    elif shape.kind == "weekly":
        lead = "joka viikko" if i == 1 else f"joka {_fi_every(i, _FI_EVERY_NOMINATIVE)} viikko"
        if set(shape.weekdays) == _WORKDAYS:
            head = "arkipäivisin" if i == 1 else f"{lead} arkipäivisin"
        else:
            head = f"{lead} " + _join([_fi_habitual(days[d]) for d in shape.weekdays], "ja")
    elif shape.kind == "monthdays":
        if shape.monthdays[0] < 0:
            head = f"{month_lead} {_FI_POSITION_ESSIVE[shape.monthdays[0]]} päivänä"
        else:
            head = f"{month_lead} " + _join([f"{d}." for d in shape.monthdays], "ja") + " päivänä"
    elif shape.kind == "nth":
        head = f"{month_lead} {_fi_nth(shape.nth, days)}"
    elif shape.kind == "nth_workday":
        head = f"{month_lead} {_FI_POSITION_ESSIVE[shape.position]} arkipäivänä"
    else:
        lead = "joka vuosi" if i == 1 else f"joka {_fi_every(i, _FI_EVERY_NOMINATIVE)} vuosi"
        if shape.kind == "yearly_dates":
            head = f"{lead} " + _join([format_date(date(2000, m, d), "d. MMMM", locale="fi")
                                       for m, d in shape.dates], "ja")
        else:  # yearly_nth: maaliskuu → "maaliskuun" (genitive)
            head = (f"{lead} " + _join([months[m] + "n" for m in shape.months], "ja")
                    + f" {_fi_nth(shape.nth, days)}")
    return f"{head} klo {format_time(start.time(), 'H.mm', locale='fi')}"


# Swedish ------------------------------------------------------------------------------------------
_SV_ORDINAL = {3: "tredje", 4: "fjärde", 5: "femte", 6: "sjätte", 7: "sjunde", 8: "åttonde", 9: "nionde",
               10: "tionde"}
_SV_POSITION = {1: "första", 2: "andra", 3: "tredje", 4: "fjärde", 5: "femte", -1: "sista", -2: "näst sista"}


def _sv_number(n: int) -> str:
    """1:a, 2:a, 3:e … 21:a, 22:a (but 11:e, 12:e), as dates are abbreviated in Swedish."""
    return f"{n}:{'a' if n % 10 in (1, 2) and n % 100 not in (11, 12) else 'e'}"


def _sv_every(i: int, unit: str, *, neuter: bool = False) -> str:
    """varje/varannan/var tredje + common-gender unit; varje/vartannat/vart tredje + "år"."""
    if i == 1:
        return f"varje {unit}"
    if i == 2:
        return f"{'vartannat' if neuter else 'varannan'} {unit}"
    return f"{'vart' if neuter else 'var'} {_SV_ORDINAL.get(i, _sv_number(i))} {unit}"


def _sv_nth(nth: Sequence[tuple[int, int]], days: dict[int, str]) -> str:
    if len({wd for _, wd in nth}) == 1:
        return "den " + _join([_SV_POSITION[n] for n, _ in nth], "och") + " " + days[nth[0][1]] + "en"
    return _join([f"den {_SV_POSITION[n]} {days[wd]}en" for n, wd in nth], "och")


def _describe_sv(shape: _Shape, start: datetime) -> str:
    days, months = _day_names("sv"), _month_names("sv")
    i = shape.interval
    every_month = _sv_every(i, "månad")
    if shape.kind == "daily":
        head = _sv_every(i, "dag")
    elif shape.kind == "weekly":
        if set(shape.weekdays) == _WORKDAYS:
            head = "varje vardag" if i == 1 else f"{_sv_every(i, 'vecka')} på vardagar"
        else:
            head = f"{_sv_every(i, 'vecka')} på " + _join([days[d] for d in shape.weekdays], "och")
    elif shape.kind == "monthdays":
        if shape.monthdays[0] < 0:
            head = f"den {_SV_POSITION[shape.monthdays[0]]} dagen {every_month}"
        else:
            head = "den " + _join([_sv_number(d) for d in shape.monthdays], "och") + f" {every_month}"
    elif shape.kind == "nth":
        head = f"{_sv_nth(shape.nth, days)} {every_month}"
    elif shape.kind == "nth_workday":
        head = f"den {_SV_POSITION[shape.position]} vardagen {every_month}"
    elif shape.kind == "yearly_dates":
        head = f"{_sv_every(i, 'år', neuter=True)} " + _join(
            ["den " + format_date(date(2000, m, d), "d MMMM", locale="sv") for m, d in shape.dates], "och")
    else:  # yearly_nth
        head = (f"{_sv_nth(shape.nth, days)} i " + _join([months[m] for m in shape.months], "och")
                + f" {_sv_every(i, 'år', neuter=True)}")
    return f"{head} kl. {format_time(start.time(), 'H.mm', locale='sv')}"


_DESCRIBERS = {"en": _describe_en, "fi": _describe_fi, "sv": _describe_sv}
_DATE_PATTERN = {"en": "d MMMM y", "fi": "d. MMMM y", "sv": "d MMMM y"}
_TIME_PATTERN = {"en": "H.mm", "fi": "H.mm", "sv": "H.mm"}


def _times(count: int, language: str) -> str:
    if language == "en":
        return "once" if count == 1 else f"{count} times"
    if language == "sv":
        return "en gång" if count == 1 else f"{count} gånger"
    return "kerran" if count == 1 else f"{count} kertaa"


def _until_phrase(day: date, language: str) -> str:
    text = format_date(day, _DATE_PATTERN[language], locale=language)
    return {"en": f"until {text}", "fi": f"{text} asti", "sv": f"till och med {text}"}[language]


def describe(rrule: str | None, start_local: datetime, locale: str = "fi", *,
             tz: str = "Europe/Helsinki") -> str:
    """A sentence for a series in ``fi``, ``sv`` or ``en`` (any other locale → Finnish).

    "Every week on Tuesday at 17:00", "Joka viikko tiistaisin klo 17.00", "Den andra tisdagen
    varje månad kl. 17.00"; a count or end date follows after a comma ("…, 10 times",
    "…, until 15 December 2026"). ``tz`` turns a UTC UNTIL into a local date. Without a rule it is
    the single date ("Tuesday 6 October 2026 at 17:00"). Rules outside the common patterns are
    shown as their RRULE text.
    """
    language = _language(locale)
    zone = validate_timezone(tz)
    start = _wall(start_local, zone)
    if rrule is None or not rrule.strip():
        day = format_date(start.date(), _DATE_PATTERN[language], locale=language)
        clock = format_time(start.time(), _TIME_PATTERN[language], locale=language)
        name = _day_names(language)[start.weekday()]
        if language == "en":
            return f"{name} {day} at {clock}"
        if language == "sv":
            return f"{_capitalize(name)}en den {day} kl. {clock}"
        return f"{_capitalize(name)}na {day} klo {clock}"

    rule = _parse(rrule.strip())
    shape = _shape(rule, start)
    if shape.kind == "custom":
        text = _format(rule, _resolve_until(rule, start, zone))
        return {"en": f"Repeats by the rule {text}", "fi": f"Toistuu säännöllä {text}",
                "sv": f"Upprepas enligt regeln {text}"}[language]
    sentence = _capitalize(_DESCRIBERS[language](shape, start))
    if rule.count is not None:
        sentence += ", " + _times(rule.count, language)
    elif rule.until is not None:
        kind, value = rule.until
        day = value.astimezone(zone).date() if kind == "utc" else (  # type: ignore[union-attr]
            value.date() if isinstance(value, datetime) else value)
        sentence += ", " + _until_phrase(day, language)
    return sentence
