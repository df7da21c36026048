"""Tests of stancebook.topics.mapping: the topic map."""

import numpy as np
import pandas as pd

from stancebook.topics import topic_map


def test_topic_map_places_similar_topics_close_together():
    topic_word = np.array([
        [0.50, 0.45, 0.05, 0.00, 0.00],
        [0.45, 0.50, 0.00, 0.05, 0.00],
        [0.00, 0.00, 0.05, 0.45, 0.50],
    ])
    table = topic_map(topic_word, np.array([[0.6, 0.3, 0.1], [0.4, 0.3, 0.3]]))
    assert list(table.columns) == ["topic", "x", "y", "prevalence"]
    xy = table[["x", "y"]].to_numpy()
    d = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    assert d[0, 1] < d[0, 2] / 3 and d[0, 1] < d[1, 2] / 3
    assert table["prevalence"].tolist() == [0.5, 0.3, 0.2]
    pd.testing.assert_frame_equal(table, topic_map(topic_word, np.array([[0.6, 0.3, 0.1], [0.4, 0.3, 0.3]])))
