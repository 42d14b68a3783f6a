"""Readers of the knowledge files, one module per TOML document; `common` holds what several
documents share, `sources` the check that every citation names a known source."""
