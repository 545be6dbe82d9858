"""Toast Restaurants v1: restaurant configuration and management groups."""
