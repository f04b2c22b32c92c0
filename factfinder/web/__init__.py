"""The web app: a thin layer over the library (documents and search for now)."""
