"""Users, organisations, roles, API tokens and login."""
