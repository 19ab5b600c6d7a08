"""The default feedback questionnaire, drawn from what NGOs asked of the cooperation model.

Texts live here in all three languages because they become editable rows of the series' form
(staff change the wording per series); they are content, not interface strings.
Keys are stable so that the cooperation report can compare the same question across series.
"""
from __future__ import annotations

from typing import Any

DEFAULT_INTRO = {
    "fi": "Kiitos osallistumisesta! Palautteesi auttaa kaupunkia ja järjestöjä kehittämään yhteistyötä. "
          "Vastaaminen vie noin kaksi minuuttia.",
    "sv": "Tack för att du deltog! Din respons hjälper staden och organisationerna att utveckla samarbetet. "
          "Det tar ungefär två minuter att svara.",
    "en": "Thank you for taking part! Your feedback helps the City and the NGOs develop their cooperation. "
          "Answering takes about two minutes.",
}

# Fixed options of the "themes to continue" question when no meeting themes are defined.
FALLBACK_THEME_OPTIONS: list[dict[str, str]] = [
    {"key": "co_development", "fi": "Yhteiskehittäminen", "sv": "Samutveckling", "en": "Co-development"},
    {"key": "resident_spaces", "fi": "Asukastilat", "sv": "Invånarlokaler", "en": "Resident spaces"},
    {"key": "grants", "fi": "Avustusneuvonta", "sv": "Rådgivning om understöd", "en": "Grant guidance"},
    {"key": "networking", "fi": "Järjestöjen verkostoituminen", "sv": "Nätverkande mellan organisationer",
     "en": "Networking between NGOs"},
    {"key": "participation", "fi": "Osallisuus ja vaikuttaminen", "sv": "Delaktighet och påverkan",
     "en": "Participation and influence"},
]

DEFAULT_QUESTIONS: list[dict[str, Any]] = [
    {"key": "usefulness", "kind": "rating", "required": True,
     "fi": "Kuinka hyödyllinen tapaaminen oli järjestöllesi?",
     "sv": "Hur nyttigt var mötet för din organisation?",
     "en": "How useful was the meeting for your organisation?"},
    {"key": "influence", "kind": "rating", "required": True,
     "fi": "Kuinka hyvin pystyit vaikuttamaan käsiteltäviin asioihin?",
     "sv": "Hur väl kunde du påverka de frågor som behandlades?",
     "en": "How well could you influence the matters discussed?"},
    {"key": "networking", "kind": "rating", "required": True,
     "fi": "Kuinka hyvin tapaaminen auttoi verkostoitumaan muiden järjestöjen ja kaupungin kanssa?",
     "sv": "Hur väl hjälpte mötet dig att nätverka med andra organisationer och staden?",
     "en": "How well did the meeting help you network with other NGOs and the City?"},
    {"key": "communication", "kind": "rating", "required": True,
     "fi": "Kuinka selkeää kaupungin viestintä tapaamisesta ja sen jatkosta oli?",
     "sv": "Hur tydlig var stadens kommunikation om mötet och fortsättningen?",
     "en": "How clear was the City's communication about the meeting and its follow-up?"},
    {"key": "continuity", "kind": "rating", "required": True,
     "fi": "Kuinka hyvin tapaaminen jatkoi aiemmin sovittua (jatkuvuus)?",
     "sv": "Hur väl byggde mötet vidare på det som avtalats tidigare (kontinuitet)?",
     "en": "How well did the meeting build on what was agreed before (continuity)?"},
    {"key": "themes_to_continue", "kind": "multiple", "required": False, "options_from_themes": True,
     "fi": "Mitä teemoja haluat jatkaa seuraavissa tapaamisissa?",
     "sv": "Vilka teman vill du fortsätta med på kommande möten?",
     "en": "Which themes would you like to continue in the next meetings?"},
    {"key": "city_next", "kind": "text", "required": False,
     "fi": "Mitä kaupungin pitäisi tehdä seuraavaksi?",
     "sv": "Vad borde staden göra härnäst?",
     "en": "What should the City do next?"},
]
