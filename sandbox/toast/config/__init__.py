"""Toast Configuration v2: read-only views of a restaurant's catalog, paged with Toast-Next-Page-Token."""
