"""Whose registration is it: the one rule for "my registrations".

A registration is a person's own when it carries their address (``Registration.email``, stored in
lower case), whoever made it: themselves while signed in, on the public form, or a colleague who
registered them. ``Registration.user_id`` is the account that MADE it, which for a group (a
contact registering colleagues, app/meetings/group_registrations.py) is the contact: those dates
are the colleagues' (on the group page), not the contact's. So the personal feed, "My
registrations", the "You are registered" badges and the online link all use this rule; only what
the maker may do with a registration (cancel it, the group page, proxy limits) goes by
``user_id``.
"""
from __future__ import annotations

from typing import Any

from app.meetings.models import Registration


def own_address(user: Any) -> str:
    return (getattr(user, "email", None) or "").strip().lower()


def own_registrations(user: Any):
    """SQL condition: registrations that are ``user``'s own (their address)."""
    return Registration.email == own_address(user)
