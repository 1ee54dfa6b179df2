"""Signing in and staying safe: login throttling, two factors, passwords, session lifetimes."""
