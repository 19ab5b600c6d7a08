"""Transactional outbox: mail is written with the change that causes it, delivered by a worker."""
