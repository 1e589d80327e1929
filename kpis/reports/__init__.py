"""The monthly report to the City: models, build (PDF and XLSX), services, pages, API, beat task."""
