"""Models of the app (filled by its issue)."""
