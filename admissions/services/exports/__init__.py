"""Exchange files written out: admission lists, cutoffs and the 一分一段 table as CSV/XLSX/PDF.
Reads only, returns bytes; must not write to the database.
"""
