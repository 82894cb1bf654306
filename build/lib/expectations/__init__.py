"""Great Expectations suites for the rule catalogue, as code."""
