"""The `kaopu` commands, grouped by what they do; `cli.app` registers them in the order `--help` lists."""
