"""Browser tests that follow each lesson's "try" lines literally."""
