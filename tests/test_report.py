"""The report opens with findings, has a table of contents, tables that fit and figures by stable ID."""

import pandas as pd

from stancebook.figures import FigureSaver, new_figure
from stancebook.paths import RunPaths
from stancebook.report import MAX_COLUMNS, build_report


def _run(tmp_path):
    paths = RunPaths.for_run("demo", run_dir=tmp_path / "runs" / "demo", figures_dir=tmp_path / "figures" / "demo")
    paths.ensure()
    tables = {
        "topic_labels.csv": pd.DataFrame({"topic": [1, 2], "label": ["war · army", "trade · grain"],
                                          "top_terms": ["war, army", "trade, grain"], "prevalence": [0.3, 0.7]}),
        "mention_counts.csv": pd.DataFrame({"target": ["russia", "north_korea"], "label": ["Russia", "North Korea"],
                                            "mentions": [3, 2], "units": [3, 2]}),
        "stance_profiles_long.csv": pd.DataFrame({
            "holder": ["north_korea", "author"], "target": ["russia", "russia"], "level": ["target", "target"],
            "n_sentences": [2, 3], "salience": [1.0, 1.0], "polarity_stance": [1.0, -0.2],
            "ci_low_stance": [1.0, -0.5], "ci_high_stance": [1.0, 0.1], "polarity_lexicon": [0.5, -0.1],
            **{f"extra_{i}": [0, 0] for i in range(6)}}),
        "stance_triples.csv": pd.DataFrame({
            "holder": ["north_korea", "author"], "holder_source": ["speaker", "speaker"],
            "target": ["russia", "russia"], "level": ["target", "target"], "polarity_stance": [1.0, -1.0],
            "unit_id": ["a:s1", "a:s2"], "sentence": [1, 1],
            "context": ["Pyongyang praised its friend Russia.", "Russia lied."]}),
        "holder_clusters.csv": pd.DataFrame({"holder": ["author", "north_korea"], "algorithm": ["kmeans", "kmeans"],
                                             "cluster": [1, 2], "cluster_name": ["H1", "H2"],
                                             "distance": [0.0, 0.0]}),
        "unit_cluster_keywords.csv": pd.DataFrame({"cluster": [1, 2], "cluster_name": ["U1", "U2"], "rank": [1, 1],
                                                   "term": ["friend", "lie"], "g2": [3.0, 2.0],
                                                   "count_cluster": [2, 1], "count_rest": [0, 0]}),
        "holder_cluster_quotes.csv": pd.DataFrame({"cluster": [2], "cluster_name": ["H2"], "rank": [1],
                                                   "unit_id": ["a:s1"], "sentence": [1],
                                                   "text": ["Pyongyang praised its friend Russia."],
                                                   "distance": [0.0]}),
        "unit_cluster_quotes.csv": pd.DataFrame({"cluster": [1], "cluster_name": ["U1"], "rank": [1],
                                                 "unit_id": ["a:s2"], "sentence": [1], "text": ["Russia lied."],
                                                 "distance": [0.0]}),
    }
    for name, frame in tables.items():
        frame.to_csv(paths.tables / name, index=False)
    fig, ax = new_figure(width=2, height=2)
    FigureSaver(paths.figures_dir, run="demo", notebook="03_stance").save(fig, "holder-map", title="Map",
                                                                          caption="c")
    return paths


def test_report_opens_with_findings_and_a_table_of_contents(tmp_path):
    report = build_report(_run(tmp_path), notes=["Topics: a note."])
    assert report.index("<h2>Contents</h2>") < report.index("id='findings'") < report.index("id='figures'")
    assert report.index("id='figures'") < report.index("id='notes'"), "run notes come after the findings"
    findings = report[report.index("id='findings'"):report.index("id='figures'")]
    assert "topic 2 <i>trade · grain</i> (70%)" in findings, "main topics by share, largest first"
    assert "North Korea &rarr; Russia: for" in findings, "display names, strongest position first"
    assert "Pyongyang praised its friend Russia." in findings, "each position with a quote"
    assert "<b>Holder clusters</b> (holders grouped by their stance profiles; kmeans): H1: author; H2: North Korea" \
        in findings
    assert "<a href='#stance-profiles'>Stance profiles</a>" in report


def test_wide_table_is_cut_to_fit_with_a_link_to_the_full_csv(tmp_path):
    report = build_report(_run(tmp_path))
    section = report[report.index("id='stance-profiles'"):]
    table = section[:section.index("</table>")]
    assert table.count("<th>") <= MAX_COLUMNS and "extra_0" not in table
    assert "<a href='tables/stance_profiles_long.csv'>" in section
    assert "<td>North Korea</td>" in table


def test_figures_are_numbered_by_their_stable_id(tmp_path):
    report = build_report(_run(tmp_path))
    assert "<b>Figure 03-holder-map. Map.</b>" in report and "Figure 1." not in report
    assert "Cite as: Figure 03-holder-map" in report


def test_long_quotes_are_cut_at_a_word_with_an_ellipsis():
    from stancebook.report import _shorten

    assert _shorten("Russia lied about the war again", 20) == "Russia lied about …"
    assert _shorten("Short.", 20) == "Short."


def test_the_two_clusterings_never_share_a_name_in_the_report(tmp_path):
    report = build_report(_run(tmp_path))
    assert "Cluster 1" not in report and "cluster 1" not in report
    keywords = report[report.index("id='unit-cluster-keywords'"):]
    assert "<td>U1</td>" in keywords[:keywords.index("</table>")], "unit clusters are U1, U2, ..."
    quotes = report[report.index("id='quotes'"):]
    assert "The quotes behind each holder cluster" in quotes and "<h3>Holder cluster H2</h3>" in quotes
    assert "Russia lied." not in quotes, "the unit clusters' quotes only when holders were not clustered"
