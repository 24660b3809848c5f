"""Occupation coding: a typed job title coded to SOC 2020 with the ONS coding index, the
follow-up question that separates the unit groups a title fits, and the full NS-SEC
from the SOC 2010 unit group and the standard's employment answers.

Pure: no Django, no database. The ONS data it reads is vendored in `data/` (see its
README), built from the ONS files by `scripts/build_occupation_data.py`.
"""
