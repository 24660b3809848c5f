"""The fieldwork domain: cases and their credentials, samples, attempts, contact
rounds and Notify, teams, guessing limits, a case's derived state and the survey's
monitoring figures. It sits on the models and `surveys.access` and imports nothing
from the layers above it (responses, interviewing, the views).
"""
