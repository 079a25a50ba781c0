"""The `kaopu` command: its commands, their terminal rendering and control of a Prefect server."""
