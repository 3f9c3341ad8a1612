"""`greenchain up` runs the whole system on embedded defaults; `greenchain admin ...` runs the gateway's
admin CLI against it (organisations, API clients, reviewers); `greenchain jars` only fetches Kafka."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time

from launcher.kafka import ensure_jars
from launcher.paths import RUN_DIR, ProcessFailed, say
from launcher.stack import Ports, Stack, StackConfig, describe
from launcher.tenants import admin, bootstrap_dev_clients


def _config(port: int) -> StackConfig:
    return StackConfig(
        run_dir=RUN_DIR,
        ports=Ports(gateway=port, supplier=port + 1, scoring=port + 2),
        # Development defaults: webhooks may go to http:// receivers on this machine.
        gateway_env={
            "WEBHOOK_ALLOW_HTTP": "true",
            "WEBHOOK_ALLOWED_NETWORKS": json.dumps(["127.0.0.0/8", "::1/128"]),
            "WEBHOOK_ANY_PORT": "true",
        },
    )


def _admin(port: int, arguments: list[str]) -> int:
    """`gateway admin <arguments>` with the environment of the stack `greenchain up` runs."""
    if {"-h", "--help"} & set(arguments):
        return subprocess.run(
            [sys.executable, "-m", "gateway.cli", "admin", *arguments], check=False
        ).returncode
    try:
        print(json.dumps(admin(Stack(_config(port)).env("gateway"), *arguments), indent=2))
    except ProcessFailed as error:
        lines = str(error).splitlines()  # the command and the error itself, not the whole traceback
        cause = next((line for line in reversed(lines) if "Error" in line), lines[-1])
        say(f"{lines[0]} {cause}\nIs `./dev run` running? Try `greenchain admin --help`.")
        return 1
    return 0


def _up(args: argparse.Namespace) -> int:
    stack = Stack(_config(args.port))
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        stack.start()
        clients = bootstrap_dev_clients(stack.url("gateway"), stack.env("gateway"), stack.config.run_dir)
        print(describe(stack, clients), flush=True)
        while not (dead := stack.dead_processes()):
            time.sleep(1)
        say(f"{', '.join(dead)} stopped unexpectedly; see {stack.logs_dir}. Stopping everything.")
        return 1
    except KeyboardInterrupt:
        say("stopping...")
        return 0
    except ProcessFailed as error:
        say(str(error))
        return 1
    finally:
        # A second Ctrl-C must not cut the shutdown short and leave servers behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        say("stopped.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="greenchain", description="Run greenchain locally")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start Kafka, PostgreSQL and every service; Ctrl-C stops all")
    up.add_argument(
        "--port", type=int, default=8000, help="gateway port; supplier and scoring take the next two"
    )
    commands.add_parser("jars", help="fetch the Kafka broker's jars into .cache (done by `up` when needed)")
    admin_cli = commands.add_parser(
        "admin",
        add_help=False,  # --help goes to the gateway's admin CLI, which knows the subcommands
        help="the gateway's admin CLI on the running stack, e.g. `greenchain admin list-orgs`",
    )
    admin_cli.add_argument("--port", type=int, default=8000, help="the gateway port `up` was given")
    args, rest = parser.parse_known_args(argv)
    if args.command == "jars":
        ensure_jars()
        sys.exit(0)
    if args.command == "admin":
        sys.exit(_admin(args.port, rest or ["--help"]))
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    sys.exit(_up(args))


if __name__ == "__main__":
    main()
