"""Clinic staff: who may look, what they see of participants, alerts, the audit log."""
