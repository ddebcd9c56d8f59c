"""The application layer: settings, the CLI, the step glue and the Prefect flows.

Only this folder imports Prefect, and only the modules that need it (`flows.pipeline`,
`flows.serve`); importing `flows` itself costs nothing.
"""
