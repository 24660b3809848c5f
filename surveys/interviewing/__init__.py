"""Interviewing, above the response services: starting, resuming and stopping an
interview on a case, the interviewer's pending answers, caseloads and a case's history.
"""
