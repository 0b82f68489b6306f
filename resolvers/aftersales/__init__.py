"""After-sales cases for customers, staff (MANAGE_TICKETS) and partner keys (READ_TICKETS)."""
