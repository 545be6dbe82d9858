"""Toast Menus v2: a restaurant's published menu tree and when it last changed."""
