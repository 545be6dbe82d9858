"""Toast Stock v1: what is left of each menu item and modifier option, and orders taking from it."""
