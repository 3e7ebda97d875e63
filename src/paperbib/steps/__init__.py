"""Processing steps between reading and export; each takes records and returns records and findings."""
