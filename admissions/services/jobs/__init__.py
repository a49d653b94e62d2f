"""Background jobs: the queue, the registry of job functions, and the job functions themselves.
Owns a job's row and state; must not hold domain rules (the work lives in the other packages).
"""
