"""Bad and hostile inputs, as a researcher meets them: a clear message naming the culprit, nothing lost.

Every case runs the command line on a run named like an earlier good run and
checks the exit code, that the message names the file, column or parameter,
that no input file changed and that the earlier good run is intact.
"""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from stancebook.paths import repo_root

pytestmark = pytest.mark.slow
SEEDS_YAML = repo_root() / "notebooks" / "seeds.yaml"
SEED_TEXT = next((repo_root() / "seeds").glob("*.txt")).read_text(encoding="utf-8")


def _cli(base: Path, *args: str, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "stancebook", "run", *args, "--runs-root", str(base / "runs"),
                           "--figures-root", str(base / "figures")],
                          capture_output=True, text=True, cwd=cwd or base, timeout=600)


def _hashes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad")
    result = _cli(base, str(SEEDS_YAML))
    assert result.returncode == 0, result.stderr
    inputs = base / "inputs"
    _write_inputs(inputs)
    return base, inputs


def _write_inputs(root: Path) -> None:
    plain = SEED_TEXT.replace("\u2019", "'")
    (root / "empty").mkdir(parents=True)
    (root / "latin1").mkdir()
    (root / "latin1" / "article.txt").write_bytes(("Caf\u00e9 diplomacy.\n\n" + plain).encode("latin-1"))
    (root / "utf16").mkdir()
    (root / "utf16" / "article.txt").write_bytes(SEED_TEXT.encode("utf-16"))
    (root / "binary").mkdir()
    (root / "binary" / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "blank").mkdir()
    (root / "blank" / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    (root / "blank" / "b.txt").write_text("   \n\t\n", encoding="utf-8")
    (root / "fileid").mkdir()
    (root / "fileid" / "ART_1.txt").write_text(SEED_TEXT, encoding="utf-8")
    (root / "fileid" / "metadata.csv").write_text("fileid,outlet,year\nART_1,Daily,2023\n", encoding="utf-8")
    (root / "dated").mkdir()
    (root / "dated" / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    (root / "dated" / "metadata.csv").write_text("file,year\na.txt,2023\n", encoding="utf-8")
    (root / "missing").mkdir()
    (root / "missing" / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    (root / "missing" / "metadata.csv").write_text("file,year\na.txt,2023\ngone.txt,2023\n", encoding="utf-8")
    (root / "news.csv").write_text("headline,body,year\nA,\"" + plain.replace('"', "'") + "\",2023\n",
                                   encoding="utf-8")
    (root / "numbers.csv").write_text("text,year\n0.0,2023\n1.5,2024\n", encoding="utf-8")
    (root / "broken.jsonl").write_text('{"text": "Russia and Ukraine.", "year": 2023}\n{"text": "oops",\n',
                                       encoding="utf-8")
    (root / "dictionary_bad.yaml").write_text("targets: [unclosed\n", encoding="utf-8")
    (root / "dictionary_key.yaml").write_text("targets:\n  mars:\n    names: [Mars]\n    moons: [Phobos]\n",
                                              encoding="utf-8")
    (root / "duplicate.yaml").write_text("run: seeds\nn_topics: 3\nn_topics: 4\n", encoding="utf-8")
    (root / "list.yaml").write_text("- run\n- seeds\n", encoding="utf-8")
    (root / "huge").mkdir()
    (root / "huge" / "line.txt").write_text("Russia said no. " * (50 * 1024 * 1024 // 16), encoding="utf-8")


S = str(SEEDS_YAML)
# (case id, command-line arguments with {in} for the inputs folder, exit code, fragments the message must hold)
CASES = [
    ("misspelt-key", [S, "--set", "n_topic=3"], 2, ["n_topic", "did you mean 'n_topics'"]),
    ("bad-choice", [S, "--set", "unit=chapter"], 2, ["'unit'", "chapter"]),
    ("out-of-range", [S, "--set", "max_df=1.5"], 2, ["'max_df'", "maximum"]),
    ("zero-workers", [S, "--set", "n_jobs=0"], 2, ["'n_jobs'"]),
    ("escaping-run-name", [S, "--set", "run=../escape"], 2, ["'run'"]),
    ("unclosed-list", [S, "--set", "stopwords_extra=[a, b"], 2, ["'stopwords_extra'", "not a valid list"]),
    ("years-reversed", [S, "--set", "year_min=2020", "--set", "year_max=2010"], 2, ["year_min"]),
    ("not-a-number", [S, "--set", "n_topics=three"], 2, ["'n_topics'", "whole number"]),
    ("k-too-small", [S, "--set", "k_grid=[1, 3]"], 2, ["'k_grid'"]),
    ("unknown-model", [S, "--set", "topic_models=[lsa]"], 2, ["'topic_models'", "lsa"]),
    ("unknown-format", [S, "--set", "corpus_format=docx"], 2, ["'corpus_format'", "docx"]),
    ("missing-corpus", [S, "--set", "corpus_path={in}/nowhere"], 2, ["'corpus_path'", "nowhere", "does not exist"]),
    ("missing-dictionary", [S, "--set", "actor_dictionary={in}/nodict.yaml"], 2, ["'actor_dictionary'", "nodict.yaml"]),
    ("missing-params-file", ["{in}/nothere.yaml"], 2, ["nothere.yaml", "does not exist"]),
    ("duplicate-key", ["{in}/duplicate.yaml"], 2, ["duplicate.yaml", "'n_topics' is written twice"]),
    ("params-not-mapping", ["{in}/list.yaml"], 2, ["list.yaml", "mapping"]),
    ("set-without-equals", [S, "--set", "n_topics"], 2, ["key=value"]),
    ("unknown-encoding", [S, "--set", "encoding=klingon"], 2, ["'encoding'", "klingon", "latin-1"]),
    ("empty-folder", [S, "--set", "corpus_path={in}/empty"], 1, ["holds no document", "corpus_path"]),
    ("years-remove-all", [S, "--set", "corpus_path={in}/dated", "--set", "year_min=1990", "--set", "year_max=1991"],
     1, ["year_min=1990", "removed every document"]),
    ("year-column-missing", [S, "--set", "year_min=1990", "--set", "year_column=event_year"], 1,
     ["year_column", "event_year", "Did you mean 'event_date'"]),
    ("holder-column-missing", [S, "--set", "holder_column=speaker"], 1, ["holder_column='speaker'", "no metadata column"]),
    ("label-column-missing", [S, "--set", "label_column=bloc"], 1, ["label_column='bloc'"]),
    ("actors-remove-all", [S, "--set", "holder_column=genre", "--set", "actors=[nobody]"], 1,
     ["actors=['nobody']", "removed every document"]),
    ("latin1-without-encoding", [S, "--set", "corpus_path={in}/latin1"], 1,
     ["article.txt", "--set encoding="]),
    ("binary-file", [S, "--set", "corpus_path={in}/binary"], 1, ["scan.txt", "binary file"]),
    ("blank-file", [S, "--set", "corpus_path={in}/blank"], 1, ["b.txt", "empty"]),
    ("file-column-missing", [S, "--set", "corpus_path={in}/fileid"], 1, ["file_column", "fileid"]),
    ("listed-file-missing", [S, "--set", "corpus_path={in}/missing"], 1, ["gone.txt", "missing"]),
    ("wrong-text-column", [S, "--set", "corpus_path={in}/news.csv"], 1, ["text_column", "'text'", "body"]),
    ("numeric-text-column", [S, "--set", "corpus_path={in}/numbers.csv"], 1, ["text_column", "numbers"]),
    ("broken-jsonl", [S, "--set", "corpus_path={in}/broken.jsonl"], 1, ["broken.jsonl", "line 2"]),
    ("dictionary-not-yaml", [S, "--set", "actor_dictionary={in}/dictionary_bad.yaml"], 1,
     ["dictionary_bad.yaml", "YAML"]),
    ("dictionary-unknown-key", [S, "--set", "actor_dictionary={in}/dictionary_key.yaml"], 1,
     ["dictionary_key.yaml", "moons"]),
    ("huge-single-line", [S, "--set", "corpus_path={in}/huge"], 1, ["line.txt", "max_document_chars"]),
]


@pytest.mark.parametrize(("case", "args", "code", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_message_and_changes_nothing(workspace, case, args, code, fragments):
    base, inputs = workspace
    good = base / "runs" / "seeds"
    before_run, before_inputs, before_figures = _hashes(good), _hashes(inputs), _hashes(base / "figures" / "seeds")
    result = _cli(base, *[a.replace("{in}", str(inputs)) for a in args])
    message = result.stderr
    assert result.returncode == code, message
    for fragment in fragments:
        assert fragment in message, f"{case}: {fragment!r} not in {message!r}"
    assert _hashes(inputs) == before_inputs
    assert _hashes(good) == before_run
    assert _hashes(base / "figures" / "seeds") == before_figures
    assert not (base / "runs" / ".seeds.staging").exists()


@pytest.mark.parametrize(("case", "sets"), [
    ("latin-1 with its encoding", ["corpus_path={in}/latin1", "encoding=latin-1"]),
    ("UTF-16 with a byte-order mark", ["corpus_path={in}/utf16"]),
    ("metadata naming files in another column", ["corpus_path={in}/fileid", "file_column=fileid",
                                                 "holder_column=outlet", "run=010", "title=Report #3 on Russia"]),
], ids=["latin1", "utf16", "fileid"])
def test_inputs_that_once_failed_now_run(workspace, case, sets):
    base, inputs = workspace
    args = [S]
    for pair in sets:
        args += ["--set", pair.replace("{in}", str(inputs))]
    args += ["--set", f"run=ok-{case.split()[0].lower()}"] if not any(s.startswith("run=") for s in sets) else []
    result = _cli(base, *args)
    assert result.returncode == 0, result.stderr
    if "run=010" in sets:
        run = base / "runs" / "010"
        assert run.is_dir()
        assert "Report #3 on Russia" in (run / "report.html").read_text(encoding="utf-8")
        assert (run / "tables" / "stance_triples.csv").is_file()
