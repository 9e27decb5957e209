"""threadline: one store for many operations' case material, linked and reviewed."""

__version__ = "0.1.0"
