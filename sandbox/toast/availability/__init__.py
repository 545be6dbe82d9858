"""Toast Restaurant availability v1: whether a restaurant takes online orders now (ONLINE or OFFLINE)."""
