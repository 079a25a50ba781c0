"""How well kaopu does: against the sandbox's truth (`sandbox_eval`) and on real labelled text (`text/`)."""
