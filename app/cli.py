"""Console script ``neural-playground``: serve the playground, or train in the terminal.

    neural-playground                       serve on 127.0.0.1:8000 (same as ``serve``)
    neural-playground serve --port 9000 --db runs.sqlite3
    neural-playground serve --database-url postgresql://playground@db/playground
    neural-playground train --dataset xor --hidden 4 --epochs 300 --json

Serve settings also come from NEURAL_PLAYGROUND_* environment variables;
flags win. Train flags override the file given with --config (the same
config JSON the API takes). A bad flag or config exits with status 2 and one
line naming the field.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError
from tqdm import tqdm

from app import __version__
from app.outputs.documents import export_document
from app.outputs.wire import error_message
from app.training.config import Config
from app.training.session import Session


class UsageError(Exception):
    """A bad flag or config: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _int_list(text: str) -> list[int]:
    text = text.strip()
    if text.lower() in ("", "0", "none"):
        return []
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated unit counts like 8,8, not {text!r}") from None


def _name_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


# flag -> path in the config
_CONFIG_FLAGS: dict[str, tuple[str, ...]] = {
    "dataset": ("dataset", "name"),
    "samples": ("dataset", "samples"),
    "noise": ("dataset", "noise"),
    "train_fraction": ("dataset", "train_fraction"),
    "classes": ("dataset", "classes"),
    "data_seed": ("dataset", "seed"),
    "features": ("features",),
    "hidden": ("hidden_layers",),
    "activation": ("activation",),
    "loss": ("loss",),
    "optimizer": ("optimizer", "name"),
    "lr": ("optimizer", "learning_rate"),
    "schedule": ("schedule", "name"),
    "regularization": ("regularization", "kind"),
    "reg_rate": ("regularization", "rate"),
    "batch_size": ("batch_size",),
    "init": ("init",),
    "seed": ("seed",),
}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="neural-playground", description="Watch a small neural network learn.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    serve = commands.add_parser("serve", help="serve the playground (the default)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument("--db", type=Path, help="SQLite file for saved runs (default: a per-user data folder)")
    serve.add_argument(
        "--database-url", help="PostgreSQL database for saved runs, shared by several servers (postgresql://...)"
    )

    train = commands.add_parser("train", help="train a network in the terminal")
    train.add_argument("--config", type=Path, help="config JSON file (flags override it)")
    train.add_argument("--dataset", help="and, or, xor, circle, gaussian, spiral, moons, checkerboard, blobs, ...")
    train.add_argument("--hidden", type=_int_list, help="units per hidden layer, e.g. 8,8 (0 for none)")
    train.add_argument("--activation", help="hidden activation, e.g. tanh, relu, sigmoid")
    train.add_argument("--loss", help="cross_entropy, mse or hinge")
    train.add_argument("--optimizer", help="sgd, momentum, nesterov, rmsprop or adam")
    train.add_argument("--lr", type=float, help="learning rate")
    train.add_argument("--schedule", help="constant, step, exponential or cosine")
    train.add_argument("--batch-size", type=int)
    train.add_argument("--epochs", type=int, default=200, help="epochs to train (default 200)")
    train.add_argument("--samples", type=int)
    train.add_argument("--noise", type=float)
    train.add_argument("--train-fraction", type=float)
    train.add_argument("--classes", type=int)
    train.add_argument("--features", type=_name_list, help="e.g. x1,x2,x1_squared")
    train.add_argument("--regularization", help="none, l1 or l2")
    train.add_argument("--reg-rate", type=float)
    train.add_argument("--init", help="xavier, he, uniform or zeros")
    train.add_argument("--seed", type=int)
    train.add_argument("--data-seed", type=int, help="seed for the data only")
    train.add_argument("--export", type=Path, metavar="FILE", help="write the trained model document (JSON)")
    train.add_argument("--json", action="store_true", help="print one JSON object with the final numbers")
    return parser


def _config_from(args: argparse.Namespace) -> Config:
    base: dict[str, Any] = {}
    if args.config is not None:
        try:
            base = json.loads(args.config.read_text())
        except OSError as exc:
            raise UsageError(f"--config: cannot read {args.config}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise UsageError(f"--config: {args.config} is not JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(base, dict):
            raise UsageError("--config: the file must hold a JSON object")
    for flag, path in _CONFIG_FLAGS.items():
        value = getattr(args, flag)
        if value is None:
            continue
        node = base
        for key in path[:-1]:
            child = node.get(key)
            node[key] = child = child if isinstance(child, dict) else {}
            node = child
        node[path[-1]] = value
    try:
        return Config.model_validate(base)
    except ValidationError as exc:
        raise UsageError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each field at fault: 'dataset.classes: circle has exactly 2 classes'."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "config"
        parts.append(f"{where}: {error_message(err)}")
    return "; ".join(parts)


def _fmt(value: object, percent: bool = False) -> str:
    if not isinstance(value, int | float):
        return "-"
    return f"{100 * value:.1f}%" if percent else f"{value:.4f}"


def train(args: argparse.Namespace) -> int:
    if args.epochs < 1 or args.epochs > 1_000_000:
        raise UsageError("--epochs: must be in 1..1000000")
    config = _config_from(args)
    if args.export is not None and not args.export.parent.exists():
        raise UsageError(f"--export: folder {args.export.parent} does not exist")
    session = Session(config)
    started = time.perf_counter()
    bar = tqdm(total=args.epochs, unit="epoch", disable=not sys.stderr.isatty(), file=sys.stderr)
    with bar:
        while session.epoch < args.epochs and not session.halted:
            session.step(1, "epoch")
            if not session.halted:
                bar.update(1)
                bar.set_postfix(loss=f"{session.metrics.train_loss:.4f}", refresh=False)
    seconds = time.perf_counter() - started
    state = session.state().to_dict()
    if args.export is not None:
        args.export.write_text(json.dumps(export_document(session)))
    if args.json:
        result: dict[str, object] = {
            "epochs": state["epoch"],
            "train_loss": state["train_loss"],
            "test_loss": state["test_loss"],
            "train_accuracy": state["train_accuracy"],
            "test_accuracy": state["test_accuracy"],
            "status": state["status"],
            "seconds": round(seconds, 3),
        }
        if state["message"]:
            result["message"] = state["message"]
        print(json.dumps(result))
    else:
        if state["message"]:
            print(state["message"], file=sys.stderr)
        losses = f"train loss {_fmt(state['train_loss'])}  test loss {_fmt(state['test_loss'])}"
        accuracy = (
            f"train accuracy {_fmt(state['train_accuracy'], True)}  test accuracy {_fmt(state['test_accuracy'], True)}"
        )
        print(f"epoch {state['epoch']}  {losses}  {accuracy}  ({seconds:.2f} s)")
        if args.export is not None:
            print(f"model written to {args.export}")
    return 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.api.wsproto import FastDeflateProtocol
    from app.server import create_app
    from app.settings import Settings

    given = {"host": args.host, "port": args.port, "db": args.db, "database_url": args.database_url}
    overrides = {k: v for k, v in given.items() if v is not None}
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise UsageError(describe_validation_error(exc)) from None
    uvicorn.run(
        create_app(settings, bind_host=settings.host),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        ws=FastDeflateProtocol,
        ws_max_size=4 * settings.max_upload_bytes,
        ws_per_message_deflate=True,
        timeout_graceful_shutdown=3,
        server_header=False,  # nothing to gain from naming the server software, in every response
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "train":
            return train(args)
        if args.command is None:
            args = parser.parse_args(["serve"])
        return serve(args)
    except UsageError as exc:
        print(f"neural-playground: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
