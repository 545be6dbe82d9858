"""Small per-location configuration APIs: packaging, online ordering schedule and devices."""
