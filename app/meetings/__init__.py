"""Meeting series, occurrences, registrations and the waiting list."""
