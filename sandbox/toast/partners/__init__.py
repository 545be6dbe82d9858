"""Toast Partners v1: the restaurants connected to a partner client."""
