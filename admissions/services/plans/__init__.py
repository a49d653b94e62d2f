"""Plans within the approved scale: institutions compile and submit their lines, the board reviews,
returns, approves and publishes them, adjusts published lines, and reports seats by institution type.

It must not touch allocation, scores or candidates' preferences: it writes plan lines and their
history only, and reads the scale checks of ``imports.scale_check``.
"""
