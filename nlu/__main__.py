"""python -m nlu train | parse | test | shell — see `python -m nlu --help`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from nlu.config import NLUConfig
from nlu.evaluation import evaluate, holdout_split, risk_holdout_split, summary, write_reports
from nlu.interpreter import Interpreter
from nlu.model import ModelError, save, train, train_from_files
from nlu.risk_data import RISK_DIR, RiskDataError, load_risk_data, load_risk_taxonomy
from nlu.risk_evaluation import evaluate_risk, risk_summary
from nlu.training_data import NLU_DIR, TrainingDataError, load, load_taxonomy


def _progress() -> Callable[[str], None]:
    started = time.perf_counter()

    def show(step: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {step}", file=sys.stderr, flush=True)

    return show


def _model_dir(args: argparse.Namespace) -> Path:
    return Path(args.model) if args.model else NLUConfig.from_env().model_dir


def cmd_train(args: argparse.Namespace) -> int:
    progress = _progress()
    model = train_from_files(Path(args.data), progress, Path(args.risk) if args.risk else None)
    out = Path(args.out) if args.out else NLUConfig.from_env().model_dir
    save(model, out)
    m = model.manifest
    progress(
        f"saved to {out}: {m['examples']} examples, {len(m['intents'])} intents, "
        f"{len(m['languages'])} languages, {m['features']} features"
    )
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    interpreter = Interpreter.load(_model_dir(args))
    if args.text is not None:
        print(json.dumps(interpreter.parse(args.text), ensure_ascii=False, indent=2))
        return 0
    # One message per line in, one JSON object per line out (for pipes and batch jobs).
    for line in sys.stdin:
        result = interpreter.parse(line.rstrip("\n"))
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    progress = _progress()
    data = load(Path(args.nlu), load_taxonomy())
    risk_examples = load_risk_data(Path(args.risk)) if args.risk else []
    if args.holdout:
        train_data, examples = holdout_split(data, args.holdout)
        risk_train, risk_examples = risk_holdout_split(risk_examples, args.holdout)
        progress(
            f"hold-out: training on {len(train_data.examples)}, testing on {len(examples)} "
            f"({args.holdout:.0%} per language and intent)"
        )
        model = train(train_data, progress=progress, risk_examples=risk_train)
        interpreter = Interpreter(model, NLUConfig.from_env())
    else:
        interpreter = Interpreter.load(_model_dir(args))
        examples = data.examples
        progress(f"testing the model on {len(examples)} examples from {args.nlu}")
    results = evaluate(interpreter, examples)
    written = write_reports(results, Path(args.out))
    print(summary(results))
    if risk_examples:
        risk = evaluate_risk(interpreter, risk_examples, load_risk_taxonomy())
        path = Path(args.out) / "risk_report.json"
        path.write_text(json.dumps(risk, indent=2, ensure_ascii=False) + "\n")
        written.append(path)
        print(risk_summary(risk))
    progress("wrote " + ", ".join(str(p) for p in written))
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    interpreter = Interpreter.load(_model_dir(args))
    interactive = sys.stdin.isatty()
    if interactive:
        print("Type a message (Ctrl-D or /quit to leave).")
    while True:
        try:
            text = input("> " if interactive else "")
        except EOFError:
            break
        if text.strip() in ("/quit", "/exit"):
            break
        r = interpreter.parse(text)
        ranking = ", ".join(f"{i['name']} {i['confidence']:.2f}" for i in r["intent_ranking"][1:4])
        print(
            f"intent: {r['intent']['name']} ({r['intent']['confidence']:.2f})   "
            f"language: {r['language']['code']} ({r['language']['confidence']:.2f})\n"
            f"  next: {ranking}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nlu",
        description="helpline NLU: intent and language of a message, in Rasa's parse format.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    model_help = "model directory (default: $NLU_MODEL_DIR or models/nlu)"

    p = sub.add_parser("train", help="train the model from Rasa-format YAML and save it")
    p.add_argument("--data", default=str(NLU_DIR), help="training data file or directory")
    p.add_argument("--risk", default=str(RISK_DIR), help="risk training data ('' for none)")
    p.add_argument("--out", help=model_help)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("parse", help="parse TEXT, or one message per line of stdin (JSON lines)")
    p.add_argument("text", nargs="?", help="the message; omit it to read stdin")
    p.add_argument("--model", help=model_help)
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser(
        "test",
        help="evaluate: intent_report.json, intent_errors.json, confusion matrix PNG, "
        "language_report.json",
    )
    p.add_argument("--nlu", default=str(NLU_DIR), help="test data file or directory")
    p.add_argument("--out", default="reports/nlu", help="where to write the reports")
    p.add_argument("--model", help=model_help)
    p.add_argument("--risk", help="risk test data file or directory (adds risk_report.json)")
    p.add_argument(
        "--holdout",
        type=float,
        metavar="FRACTION",
        help="train on the rest of --nlu and test on this stratified share (e.g. 0.2)",
    )
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("shell", help="try messages interactively")
    p.add_argument("--model", help=model_help)
    p.set_defaults(func=cmd_shell)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (TrainingDataError, RiskDataError) as exc:
        print("error: the training data has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
