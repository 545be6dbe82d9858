"""Toast Authentication v1: machine-client login and the tokens it issues."""
