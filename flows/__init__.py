"""The application layer: settings, the CLI, the step glue and the Prefect flows.

Only this folder imports Prefect, and only the modules that need it (`pipeline`, `serve`,
`background`, `events`, `ephemeral_server`, `dask_classify`); importing `flows`, the CLI
module, the settings or the steps costs nothing of it
(tests/flows/test_prefect_boundary.py).
"""
