"""GDPR: export and erasure of a person's data, and anonymisation after the retention period."""
