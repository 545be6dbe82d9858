"""Toast Menus v2 and v3: a restaurant's published menu tree and when it last changed."""
