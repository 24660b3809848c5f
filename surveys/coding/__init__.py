"""The coding queue (an addition beyond the standard): coders' decisions on the job
titles the automatic coder left, applied to every identical title, reversible, and
the double-coding sample. Above the response services, beside interviewing.
"""
