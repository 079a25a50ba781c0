"""Charts drawn here, as inline SVG, rather than by a JavaScript chart library.

Why not ECharts (what Chinese users know) or plotly: neither ships in a wheel we can pin without
carrying ~1 MB (echarts.min.js, which pyecharts does not bundle: it points at a CDN by default) to
3.5 MB (plotly.min.js) of script into every report, and both draw only once their script has run.
The report's charts are a handful of small multiples (a month axis, a bar per month, one line), which
take ~150 lines of SVG here: the pages weigh kilobytes, open from file:// with scripts off, print,
and every label goes through the same HTML escaping as the rest of the page.

Every function returns markup (`markupsafe.Markup`) with all text escaped, or None when there is
nothing to draw: the template then writes "no data" in the chart's place.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

W, H = 640, 200
PAD_L, PAD_R, PAD_T, PAD_B = 44, 44, 14, 34


def _ok(v: object) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def interval(score: float | None, lo: float | None, hi: float | None, width: int = 120) -> Markup | None:
    """A 0–100 scale with the confidence interval as a bar and the score as a dot."""
    if not _ok(score):
        return None
    lo = score if not _ok(lo) else lo
    hi = score if not _ok(hi) else hi

    def x(v: float) -> float:
        return 2 + (width - 4) * max(0.0, min(100.0, v)) / 100.0

    title = escape(f"{score:.1f} [{lo:.0f}–{hi:.0f}]")
    return Markup(
        f'<svg class="band" width="{width}" height="14" viewBox="0 0 {width} 14" role="img">'
        f"<title>{title}</title>"
        f'<line x1="2" y1="7" x2="{width - 2}" y2="7" class="axis"/>'
        f'<rect x="{x(lo):.1f}" y="3" width="{max(x(hi) - x(lo), 1):.1f}" height="8" class="ci"/>'
        f'<circle cx="{x(score):.1f}" cy="7" r="3.5" class="pt"/></svg>'
    )


def monthly(
    months: Sequence[str],
    volume: Sequence[float],
    volume_label: str,
    line: Sequence[float | None] | None = None,
    line_label: str = "",
    line_range: tuple[float, float] = (0.0, 1.0),
) -> Markup | None:
    """Bars of a monthly volume (left axis) and, optionally, a line of a monthly mean (right axis,
    on `line_range`). Each bar's tooltip gives the month, the volume and the mean."""
    if not months or not any(_ok(v) and v > 0 for v in volume):
        return None
    n = len(months)
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    vmax = max(float(v) for v in volume if _ok(v)) or 1.0
    step = plot_w / n
    bar_w = max(1.0, step * 0.7)
    parts = [f'<svg class="chart" viewBox="0 0 {W} {H}" width="100%" role="img">']
    parts.append(f"<title>{escape(volume_label)}{' / ' + escape(line_label) if line else ''}</title>")
    parts.append(
        f'<line x1="{PAD_L}" y1="{PAD_T + plot_h}" x2="{W - PAD_R}" y2="{PAD_T + plot_h}" class="axis"/>'
    )
    parts.append(f'<text x="{PAD_L - 6}" y="{PAD_T + 8}" class="lab" text-anchor="end">{vmax:g}</text>')
    parts.append(f'<text x="{PAD_L - 6}" y="{PAD_T + plot_h}" class="lab" text-anchor="end">0</text>')
    lo, hi = line_range
    points = []
    label_every = max(1, math.ceil(n / 8))
    for i, (m, v) in enumerate(zip(months, volume, strict=True)):
        v = float(v) if _ok(v) else 0.0
        bh = plot_h * v / vmax
        x = PAD_L + i * step + (step - bar_w) / 2
        tip = f"{m}: {volume_label} {v:g}"
        if line is not None and _ok(line[i]):
            tip += f", {line_label} {line[i]:.2f}"
            y = PAD_T + plot_h * (1 - (min(max(float(line[i]), lo), hi) - lo) / (hi - lo))
            points.append(f"{x + bar_w / 2:.1f},{y:.1f}")
        parts.append(
            f'<rect x="{x:.1f}" y="{PAD_T + plot_h - bh:.1f}" width="{bar_w:.1f}" height="{bh:.1f}" '
            f'class="bar"><title>{escape(tip)}</title></rect>'
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{H - PAD_B + 16}" class="lab" '
                f'text-anchor="middle">{escape(m)}</text>'
            )
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" class="line"/>')
        for p in points:
            cx, cy = p.split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" class="pt"/>')
        parts.append(f'<text x="{W - PAD_R + 6}" y="{PAD_T + 8}" class="lab">{hi:g}</text>')
        parts.append(f'<text x="{W - PAD_R + 6}" y="{PAD_T + plot_h}" class="lab">{lo:g}</text>')
    parts.append(
        f'<text x="{PAD_L}" y="{H - 4}" class="lab legend">▮ {escape(volume_label)}'
        f"{'  — ' + escape(line_label) if points else ''}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(items: Sequence[tuple[str, float | None]], width: int = 220) -> Markup | None:
    """Horizontal 0–1 bars, one per labelled value (a value without evidence draws no bar)."""
    if not any(_ok(v) for _, v in items):
        return None
    row = 20
    parts = [f'<svg class="bars" width="{width}" height="{row * len(items)}" role="img">']
    for i, (label, v) in enumerate(items):
        y = i * row
        if _ok(v):
            parts.append(
                f'<rect x="0" y="{y + 4}" width="{(width - 40) * max(0.0, min(1.0, v)):.1f}" height="12" '
                f'class="bar"><title>{escape(label)} {v:.2f}</title></rect>'
                f'<text x="{width - 36}" y="{y + 14}" class="lab">{v:.2f}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
