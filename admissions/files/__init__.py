"""File exchange: readers (CSV/XLSX → plain rows and errors) and writers (rows → CSV/XLSX/PDF bytes).

Pure functions only: no Flask, no database. The column contracts are those of FORMATS.md.
"""
