"""The Toast platform: authentication, partners, restaurants (and, as they land, orders, menus and config)."""
