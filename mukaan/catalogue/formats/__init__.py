"""Public data formats, one module per format: CSV (csv_import.py), Open Referral HSDS 3.0
(hsds_import.py, and hsds_export.py beside it, with hsds_index.py: the records the /hsds/ API
serves), Helsinki Linked Events (linked_events.py), with what they share in common.py (reading
files, the real-data rules in ``finish``). The all-or-nothing import that uses them is
mukaan/catalogue/importers.py.

May import: the catalogue's schema, loader and taxonomy, and the shared core.
"""
