"""Domain steps (parsing, directory, schedules, compile) and the Prefect tasks that wrap them."""
