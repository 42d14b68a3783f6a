"""Synthetic clinic data for `needlepoint bench-data`: pure row builders per resource
(`people`, `clinical`, `treatment`, `followup`), the bulk writer (`writer`) and the run that
ties them together (`run`)."""
