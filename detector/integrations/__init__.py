"""Adapters that embed the detector in other frameworks (each behind an optional extra)."""
