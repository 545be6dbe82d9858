"""Toast Cash Management API: cash entries and deposits per business date."""
