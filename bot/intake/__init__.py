"""Before the first day: intake questions, screeners, barriers, paperwork readiness."""
