"""Plans as documents and as data: plan text decoded and read into a `ParsedPlan` (`parse`
with `header`, `layouts`, `agency_names` and `timeframes`; result types in `parsed`), the
same plan as YAML, CSV and XLSX (the `structured` sub-package), and the importer that
stores a parsed plan with its resolved agencies in one transaction (`importer`). May import
tasks.directory, models and dondoc.core."""
