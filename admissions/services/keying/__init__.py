"""Double entry (双录入) of paper score sheets: two passes, comparison, resolution, apply.
Owns keying sheets; must not write scores except through the audited scores.entry.
"""
