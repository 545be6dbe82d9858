"""The Toster delivery platform API."""
