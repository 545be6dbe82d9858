"""Toast Labor v1: employees, jobs, shifts and time entries, the same people who serve the orders."""
