"""Prefect flows: orchestration only; they take ids and dates and call tasks in batches."""
