"""Helpers for every CSV/XLSX export the apps stream."""

# Spreadsheet programs run a cell that starts with one of these as a formula
# (CSV injection); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(value):
    """Return ``value`` made inert in a spreadsheet; non-text values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
