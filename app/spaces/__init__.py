"""Resident spaces (asukastilat), opening hours, bookings and booking requests."""
