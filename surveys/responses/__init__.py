"""Writing and reading responses, above the fieldwork domain: a response's life
(start, answer, submit, stop, resume), bulk imports by COPY, the tallies kept beside
the complete responses, rederivation, and rebuilding derived state from the facts.
"""
