"""From timeframes to dated work: the Vietnamese working-day calendar (`workdays`), a
timeframe's recurrence rule and its dated slots (`rules`), compiling an approved plan into
occurrences (`compile`, result types in `compiled`) and writing the difference (`store`), and
how each deadline is named in calendars (`uids`). May import tasks.plans, models and
dondoc.core."""
