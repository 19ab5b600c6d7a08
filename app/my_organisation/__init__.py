"""'My organisation': an NGO's members, join requests, registrations, bookings, requests and topics."""
