"""One confirmation step for every destructive action, without JavaScript.

A destructive form posts to its action; the view does the deed only when the post carries
``confirm=1``. Anything else (an old form, a direct post, a GET) renders a page that says what
will be destroyed and re-posts the same fields with ``confirm=1``. The page is plain HTML, so it
works without scripts, and the deed is still a POST with a CSRF token.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import render_template, request

CONFIRM_FIELD = "confirm"


def confirmed() -> bool:
    """True when the request is the second, confirming POST."""
    return request.method == "POST" and request.form.get(CONFIRM_FIELD) == "1"


@dataclass
class Confirmation:
    """What the confirmation page shows.

    ``facts``: (label, value) pairs naming the thing; ``consequences``: sentences saying what
    happens; ``items``: a list of what will be destroyed (e.g. each date of a series);
    ``fields``: form values to carry over to the confirming POST (hidden); ``inputs``: WTForms
    fields the user may still fill in on the page (e.g. a reason).
    """

    title: Any
    action: str
    back: str
    button: Any
    facts: list[tuple[Any, Any]] = field(default_factory=list)
    consequences: list[Any] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    items_heading: Any = None
    fields: dict[str, Any] = field(default_factory=dict)
    inputs: Iterable[Any] = ()
    back_label: Any = None
    blocked: bool = False  # the action is refused: show why and the way forward, no button
    links: list[tuple[Any, str]] = field(default_factory=list)


def confirm_page(confirmation: Confirmation, status: int = 200):
    """Render the confirmation page (``templates/confirm.html``)."""
    return render_template("confirm.html", c=confirmation), status
