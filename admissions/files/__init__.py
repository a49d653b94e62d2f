"""File exchange: readers (CSV/XLSX → plain rows and errors) and writers (rows → CSV/XLSX/PDF bytes).

Pure functions only: no Flask, no database. The column contracts are those of docs/formats.md.

- `readers.read_table(data, filename, kind_or_spec, components=..., validators=..., max_bytes=...)`
  → `ReadResult(rows, lines, errors, headers)`; every cell is checked for its column's length and
  for control characters, every row for the header's width; `errors.errors_as_text` /
  `errors_as_csv` for downloads; `errors.ErrorList` / `capped` keep the first 1,000 errors by line
  and count the rest.
- `xlsx_guard.check_xlsx`: sizes, CRC and the area the spreadsheet reader would build, checked
  before it runs (upload bombs).
- `columns`: import specs per kind (`spec_for`, `scores_spec(components)`) and export columns
  (`export_columns(kind, keys)`, headers "en" or "zh").
- `writers.to_csv`, `writers.to_xlsx`, `writers.to_pdf_table`: exports as bytes.
- `letters.admission_letter_pdf`, `letters.letters_pdf` (bulk), `letters.registration_slip_pdf`.
- `verification.verification_code` / `check_verification_code`: the code printed on letters.
- `pdf.load_font` (ADMISSIONS_PDF_FONT, ADMISSIONS_PDF_FALLBACK_FONT), `pdf.missing_glyphs`.
- Long PDFs: `pdf_text` writes text as operators cached per distinct string, `pdf_canvas` draws
  table pages, `pdf_pages.finish_pages` writes plain pages from one template before saving.
"""
