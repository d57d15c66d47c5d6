"""The agency directory: directory files read into validated entries (`files`, CSV in
`csv_rows`), stored as an upsert by scope and normalised name (`store`), and names resolved
against it, exactly, by alias or fuzzily (`resolve`). May import models and dondoc.core."""
