"""Follow-up feedback forms, invitations, responses and topic proposals."""
