"""Toast Kitchen API: prep stations and the item fulfillment export."""
