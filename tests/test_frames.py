"""reputation.frames.records: the rows of a frame as to_dict('records') gives them, faster."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reputation.frames import records


def test_records_are_the_dicts_to_dict_gives_with_the_same_types():
    df = pd.DataFrame(
        {
            "s": pd.array(["a", None, "c"], dtype="string[pyarrow]"),
            "i": pd.array([1, None, 3], dtype="Int64"),
            "o": [np.float64(1.5), np.int64(2), "x"],
            "t": pd.to_datetime(
                ["2020-01-01", None, "2021-05-06T07:08:09+08:00"], utc=True, format="ISO8601"
            ),
            "b": [True, False, True],
            "f": [np.nan, 1.0, 2.5],
            "n": np.array([1, 2, 3], dtype=np.int8),
            "lists": [[1, 2], None, np.array(["a"])],
        },
        index=[10, 5, 7],
    )
    want, got = df.to_dict("records"), records(df)
    assert len(got) == len(want) == 3
    for w, g in zip(want, got, strict=True):
        assert list(g) == list(w)
        for k in w:
            assert type(g[k]) is type(w[k]), k
            same = g[k] is w[k] or (isinstance(w[k], float) and np.isnan(w[k]) and np.isnan(g[k]))
            assert same or np.array_equal(g[k], w[k]), k
    assert records(df.iloc[:0]) == [] == df.iloc[:0].to_dict("records")
