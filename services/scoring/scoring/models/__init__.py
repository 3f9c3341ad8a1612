"""Criteria model data files (``<version>.yaml``), read through importlib.resources."""
