"""Oversight reports for managers and auditors (DOMAIN_RULES.md §7, issue 16):

* ``tsm`` — the regulator's Tenant Satisfaction Measures CH01, CH02, NM01 and RP02;
* ``complaints_pack`` — the weekly complaints meeting pack;
* ``spotcheck`` — the reproducible spot-check sample and its checklists.

Each reads cases in batches (flat memory at 100,000 cases) and returns frozen dataclasses;
rendering (PDF, CSV) happens above, in ``app/letters/reports_pdf.py`` and the CLI and UI.
"""
