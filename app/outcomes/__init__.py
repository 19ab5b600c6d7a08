"""Outcomes ("what came of it"): what followed from topics and meetings, with a dated timeline."""
