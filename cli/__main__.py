"""`python -m cli` is `kaopu`."""

from cli.app import app

app(prog_name="kaopu")
