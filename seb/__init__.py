"""The harmonised standard's rules, in plain Python: no Django, no database.

Everything the service decides is decided here and tested without a database:
the standard itself (`standard`), routing and the one check of a response against
its route (`routing`), NS-SEC (`derivation`), disclosure control (`disclosure`),
the output tables and their published form (`tables`, `outputs`), the interchange
format (`interchange`), fieldwork outcomes and rates (`fieldwork`), the
statistics beside the tables (`statistics`), comparisons (`comparisons`), charts
(`charts`), the codebook (`codebook`) and CSV on the Web metadata (`csvw`). The
Django apps above call these functions; nothing here imports them
(tests/test_layout.py checks).
"""
