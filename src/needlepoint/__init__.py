"""Needlepoint: microneedling treatment courses for acne scars."""

__version__ = "0.1.0"
