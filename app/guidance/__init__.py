"""Guidance hours: staff offer advice slots (e.g. on grant applications), NGOs book one slot each."""
