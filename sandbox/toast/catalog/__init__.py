"""A restaurant's menu and configuration: what the menus and config APIs show and what orders are priced from."""
