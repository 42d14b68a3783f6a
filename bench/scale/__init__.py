"""The scale benchmark: generated clinics of two sizes on PostgreSQL, served by `needlepoint
serve`, each endpoint timed against a floor view in the same run (docs/performance.md)."""
