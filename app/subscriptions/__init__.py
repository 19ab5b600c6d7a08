"""Staying informed: subscriptions to themes and districts (immediate or weekly digest), one-click
unsubscribe, and reminders before each meeting date (issue 15 item 3)."""
