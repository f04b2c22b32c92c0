"""The ``factfinder`` command line: a thin layer over the library."""
