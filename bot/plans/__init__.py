"""The participant's plan: goals, triggers, coping, people; after graduation, aftercare."""
