"""Administration: provinces, exams (created empty), institutions and staff accounts.
Owns the administrator's writes; must not touch scores, plans of an exam, rounds or imports.
"""
