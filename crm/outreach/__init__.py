"""Outreach visits: what an outreach officer logs on a phone (issue 11 section 2).

Counts and places, never people. The models live in ``crm.outreach.models`` (imported by
``crm.models`` so Django finds them), the one writer in ``crm.outreach.services``.
"""
