"""Command line: ``python -m stancebook run [PARAMS.yaml] [--set key=value ...]``, ``params``, ``sample``,
``cite FIGURE_ID [--run RUN] [--format text|bibtex|latex]``."""

from __future__ import annotations

import argparse
import sys

from .errors import RunInterrupted, StancebookError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stancebook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute the five notebooks of a run with papermill")
    run.add_argument("params", nargs="?", default=None, help="YAML parameter file (default: notebooks/seeds.yaml)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override one parameter; repeatable")
    run.add_argument("--runs-root", default=None, help="parent of runs/<run>/ (default: runs/ at the repository root)")
    run.add_argument("--figures-root", default=None, help="parent of figures/<run>/ (default: figures/)")
    run.add_argument("--no-cache", action="store_true", help="execute every stage even if unchanged since the last run")
    commands.add_parser("params", help="list every parameter with its default and meaning")
    sample = commands.add_parser("sample", help="draw (sentence, target) pairs of a finished run for hand coding")
    sample.add_argument("run", help="the run's name (runs/<run>/)")
    sample.add_argument("--n", type=int, default=300, help="pairs to draw (default 300)")
    sample.add_argument("--seed", type=int, default=0, help="random seed of the draw (default 0)")
    sample.add_argument("--out", default=None, help="CSV to write (default: stance_coding_<run>.csv here); never "
                        "overwritten")
    sample.add_argument("--by", default="", metavar="COLUMN",
                        help="also stratify by this metadata column of the units (e.g. region)")
    sample.add_argument("--exclude", action="append", default=[], metavar="CODES.csv",
                        help="a file of codes whose pairs are not drawn again; repeatable")
    sample.add_argument("--runs-root", default=None, help="parent of runs/<run>/ (default: runs/ at the repository root)")
    cite = commands.add_parser("cite", help="print how to cite a figure of a run")
    cite.add_argument("figure", metavar="FIGURE_ID", help="the figure's stable ID, e.g. 03-profile-heatmap")
    cite.add_argument("--run", default="seeds", help="the run (figures/<run>/; default seeds)")
    cite.add_argument("--format", dest="style", choices=("text", "bibtex", "latex"), default="text",
                      help="a line of text, a BibTeX entry or a LaTeX figure (default text)")
    cite.add_argument("--figures-root", default=None, help="parent of figures/<run>/ (default: figures/)")
    return parser


def _cite(figure: str, *, run: str, style: str, figures_root: str | None) -> str:
    """The citation of one figure, read from ``figures/<run>/index.json``."""
    import difflib
    from pathlib import Path

    from .figures import citation, read_index
    from .paths import figures_root as default_root

    folder = (Path(figures_root) if figures_root else default_root()) / run
    entries = {entry["id"]: entry for entry in read_index(folder)}
    if not entries:
        raise StancebookError(f"run '{run}' has no figures in {folder}: run `python -m stancebook run` first.")
    if figure not in entries:
        near = difflib.get_close_matches(figure, list(entries), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else f" (figures: {', '.join(entries)})"
        raise StancebookError(f"run '{run}' has no figure '{figure}'{hint}")
    return citation(entries[figure], style=style, figures_path=str(folder.relative_to(folder.parents[1]))
                    if not figures_root else str(folder))


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "params":
            from .params import PARAMETERS

            for param in PARAMETERS:
                choices = f" (one of {', '.join(map(str, param.choices or param.item_choices))})" if (param.choices or param.item_choices) else ""
                print(f"{param.name:<26} {param.default!r:<28} {param.help}{choices}")
            return 0
        if args.command == "cite":
            print(_cite(args.figure, run=args.run, style=args.style, figures_root=args.figures_root))
            return 0
        if args.command == "sample":
            from .stance.coding import write_coding_sample

            out = args.out or f"stance_coding_{args.run}.csv"
            path, n = write_coding_sample(args.run, out, n=args.n, random_state=args.seed, runs_root=args.runs_root,
                                          by=args.by, exclude=args.exclude)
            print(f"{n} pairs to code in {path}: fill the 'code' column with against, neutral or for, then run "
                  f"with --set stance_codes={path}")
            return 0
        from .paths import repo_root
        from .runner import run_chain, terminate_as_interrupt

        params_file = args.params or repo_root() / "notebooks" / "seeds.yaml"
        with terminate_as_interrupt():
            run_chain(params_file, args.overrides, runs_root=args.runs_root, figures_root=args.figures_root,
                      use_cache=not args.no_cache)
        return 0
    except RunInterrupted as exc:
        print(f"stancebook: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("stancebook: interrupted before any stage started; nothing was changed.", file=sys.stderr)
        return 130
    except StancebookError as exc:
        print(f"stancebook: {exc}", file=sys.stderr)
        return 2 if type(exc).__name__ == "ParameterError" else 1


if __name__ == "__main__":
    sys.exit(main())
