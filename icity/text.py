"""Control characters: one definition that the middleware, the API parsers and the exports share.

PostgreSQL refuses NUL in text, XML (so XLSX) cannot hold most C0 characters, and
none of them means anything in a name, a search or an answer. Tab, line feed and
carriage return are kept in posted text (a comment has lines); a query string or
a path has no use for any of them.
"""

import re

# C0 controls and DEL, less tab, line feed and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same plus tab/LF/CR: what a query-string value or a path segment may never hold.
CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")
# What XML 1.0 cannot hold at all (C0 but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_control(value: str) -> str:
    """``value`` without control characters; tab and line breaks stay."""
    return CONTROL.sub("", value)


def clean_data(data):
    """Strip control characters from every string in parsed JSON (dicts, lists, scalars)."""
    if isinstance(data, str):
        return strip_control(data)
    if isinstance(data, dict):
        return {clean_data(key): clean_data(value) for key, value in data.items()}
    if isinstance(data, list):
        return [clean_data(item) for item in data]
    return data


def is_id(value) -> bool:
    """True for text that is a database id: ASCII digits only ("²".isdigit() is True) and fits a bigint."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18
