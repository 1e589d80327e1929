"""gunicorn settings read from the working directory (the image's and compose's command)."""

import gunicorn.http.wsgi

# Every response carries a Server header; it names no software or version (issue 20).
gunicorn.http.wsgi.SERVER = "icity"
