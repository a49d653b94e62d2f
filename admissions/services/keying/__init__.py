"""Double entry (双录入) of paper score sheets: two passes, comparison, resolution, apply.
Owns keying sheets; writes scores only through the audited score entry.
"""
