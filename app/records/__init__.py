"""Meeting records (agenda before, minutes after) and meeting materials, per occurrence."""
