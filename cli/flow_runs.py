"""How a command runs a flow: under the data tree's lock, stoppable by a signal, with progress lines,
and against the sandbox it starts itself when the sandbox profile points at nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from cli import prefect_control, progress
from cli.consoles import err
from cli.errors import Fail, say_error
from cli.options import Ctx
from cli.stopping import Stopper
from flows import history
from flows.lock import RunLock
from pipelines.config import Config, clip, ensure_watchlist
from pipelines.storage import DataTree, new_run_id
from sandbox.world import DEFAULT_SEED

DEMO_PROVIDERS = 30  # the demo's world size; `run` and `crawl` start the same world when they must


@contextlib.contextmanager
def stoppable(tree: DataTree, what: str, run_id: str | None = None) -> Iterator[Stopper]:
    """SIGINT and SIGTERM stop the command within seconds (cli.stopping), leave no child behind and
    are recorded in the run history; the lock is an flock, so it goes with the process."""
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    def record(signal_name: str) -> None:
        history.record_interrupted(tree, run_id=run_id, what=what, started=started, signal_name=signal_name)

    stopper = Stopper(on_stop=record).install()

    def stopped() -> None:
        stopper.finish()
        say_error(f"{what} stopped by {stopper.signal_name}; finished tables are intact and a re-run resumes")
        stopper.exit()

    try:
        yield stopper
    except KeyboardInterrupt:
        stopped()
    except BaseException:
        # The signal's KeyboardInterrupt can land inside code that swallows it (Prefect starting a flow)
        # and the command then fails on what the stop left undone; it was still stopped by the signal.
        if stopper.signum is None:
            raise
        stopped()
    else:
        if stopper.signum is not None:  # swallowed, and the flow went on with every spider refused
            stopped()
    finally:
        stopper.finish()


def locked_run(
    c: Ctx, tree: DataTree, what: str, sources: list[str], start: Callable[[Any, str], Any]
) -> dict[str, Any]:
    """Take the data tree's lock, set Prefect up, and run `start(flows_module, run_id)` with progress."""
    ensure_watchlist(tree)
    run_id = new_run_id(what.split()[0])
    with stoppable(tree, what, run_id), RunLock(tree, what=what, run_id=run_id):
        kflows = prefect_control.load_flows(tree, c.verbose)
        return progress.follow(err, tree, run_id, sources, lambda: start(kflows, run_id))


def crawl_then_build(c: Ctx, cfg: Config, what: str, crawled: list[str], **run_args: Any) -> dict[str, Any]:
    """The full flow (crawl the sources, then build) under the data-tree lock, against the sandbox this
    command starts when the sandbox profile points at nothing (`sandbox_if_needed`)."""
    tree = cfg.tree
    with sandbox_if_needed(cfg, crawled) as base_url:
        return locked_run(
            c,
            tree,
            what,
            crawled,
            lambda kflows, run_id: kflows.run(
                str(tree.root),
                config=c.config_path,
                profile=cfg.profile_name,
                base_url=base_url,
                run_id=run_id,
                **run_args,
            ),
        )


@contextlib.contextmanager
def sandbox_if_needed(cfg: Config, sources: list[str]) -> Iterator[str | None]:
    """With the sandbox profile and nothing answering where it points, start the sandbox world the
    demo uses for the length of the command (yields its URL), instead of letting every spider retry
    against a closed port. Sources that point elsewhere fail now, one line each, saying what to do."""
    from cli import preflight

    if cfg.profile_name != "sandbox":
        yield None
        return
    profile = cfg.profile()
    down = preflight.unreachable(profile, sources)
    if not down:
        yield None
        return
    if not preflight.is_own_loopback_base(profile, down):
        for name, url in down.items():
            say_error(f"{name}: nothing answers at {clip(url)}")
        _host, port = preflight.host_port(next(iter(down.values())))
        raise Fail(
            f"{len(down)} source(s) unreachable; start the sandbox there with "
            f"`kaopu sandbox serve --port {port}` or fix their base_url in {cfg.path}"
        )
    from sandbox.server import start

    log = cfg.tree.logs_dir / "sandbox-access.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with start(DEFAULT_SEED, n_providers=DEMO_PROVIDERS, port=0, access_log=str(log)) as sb:
        say_error(
            f"no sandbox answered at {clip(profile.base_url)}; started the demo's world "
            f"(seed {DEFAULT_SEED}, {DEMO_PROVIDERS} providers) at {sb.url} for this command. "
            f"To keep one running: kaopu sandbox serve"
        )
        yield sb.url
