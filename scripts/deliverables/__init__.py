"""The checks behind scripts/check_deliverables.py, one module per kind of deliverable."""
