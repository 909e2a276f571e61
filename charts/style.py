"""The look every chart shares: colour-blind-safe palette, title block, source line, two modes.

Okabe & Ito's palette reads the same for the common colour-vision deficiencies; where a
distinction matters (reported versus derived, itemised versus not) it is also drawn with a
pattern or a dash, never by colour alone, and every pattern drawn has its own legend entry.

Plotly does not wrap text. Titles, subtitles and source lines are wrapped here by their width in
pixels for the width the figure is drawn at: the export's 960 px (slides, SVG) by default. The
unwrapped words travel in `layout.meta["wrap"]`, and the page's script (ui/fit.js) wraps them
again for the width each chart actually has on screen, from a phone to a projector.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
GREY = "#8C8C8C"
INK = "#1A1A1A"
SEQUENCE = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW]

FONT = "Source Sans Pro, Arial, sans-serif"
# Slide export: 16 : 9 at 1920 x 1080 px. Laid out at half size and rendered at scale 2, so type
# is as large on the slide as it is on screen relative to the chart.
EXPORT_WIDTH, EXPORT_HEIGHT, EXPORT_SCALE = 960, 540, 2
MARGIN_LEFT, MARGIN_RIGHT = 20, 24  # left: room for half of the "0 %" or "$0" tick label
SOURCE_SHIFT = 52  # px from the bottom of the plot area to the source line: room for tick labels


@dataclass(frozen=True)
class Look:
    """Sizes for the screen (default) or for presenting (larger type, higher contrast)."""

    presentation: bool = False

    @property
    def base(self) -> int:
        return 20 if self.presentation else 13

    @property
    def title(self) -> int:
        return 30 if self.presentation else 19

    @property
    def source(self) -> int:
        return max(10, self.base - 2)

    @property
    def plot(self) -> int:
        """Height of the plot area on screen; presenting, the whole chart gets a fixed stage."""
        return 270

    @property
    def height(self) -> int:
        # Presenting: a 16 : 9 stage that fits a 1366 x 768 projector with the page's controls
        # above it; the page's script grows it to the screen it is shown on.
        return 500 if self.presentation else 460

    @property
    def width(self) -> int:
        """The width text is wrapped for before the page knows the chart's real width: a chart on
        a laptop's screen (1280 px with the sidebar), which the export's 960 px also holds; fit.js
        wraps again for any other width."""
        return 1300 if self.presentation else 820

    @property
    def ink(self) -> str:
        return "#000000" if self.presentation else INK


SCREEN = Look()
PRESENTING = Look(presentation=True)


# --- text width --------------------------------------------------------------------------------------
# Advance widths of Arial / Liberation Sans (what Chromium draws "Source Sans Pro, Arial" with when
# the page font is not installed, as in kaleido's exports), in em, by kind of character. Close
# enough to wrap by: the on-screen wrap measures the real font in the browser.
_NARROW = set("iljI.,:;|!'’‘`")
_SMALL = set('frt()[]{}/\\-– "“”')
_WIDE = set("mwMW%@—→")
_CAPITALS_WIDE = set("ABCDEGHKNOQRUV&")


def _em(ch: str) -> float:
    if ch in _NARROW:
        return 0.25
    if ch in _SMALL:
        return 0.33
    if ch in _WIDE:
        return 0.86
    if ch in _CAPITALS_WIDE:
        return 0.72
    if ch.isupper():
        return 0.64
    return 0.55


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in px of `text` set in the chart font at `size` px."""
    return sum(_em(ch) for ch in html.unescape(text)) * size * (1.06 if bold else 1.0)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Words of `text` in lines no wider than `width` px (a single longer word gets its own line)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size, bold) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def plot_text(text: object) -> str:
    """Outside text (titles, names, categories) for plotly, which reads <b>, <a> and entities as
    markup: escaped so it shows as written."""
    return html.escape(str(text), quote=False)


def legend_rows(fig: go.Figure, width: float, size: float) -> int:
    """How many rows plotly's horizontal legend takes at `width` px (0 when it shows none)."""
    if fig.layout.showlegend is False:
        return 0
    several = len(fig.data) > 1  # plotly shows a legend by default only for two traces or more
    names = [t.name or "" for t in fig.data if t.showlegend or (t.showlegend is None and several)]
    if not names:
        return 0
    # Plotly puts the entries on one row when they fit; else in columns as wide as the widest one.
    widths = [text_width(name, size) + 47 for name in names]  # swatch, gaps and text, as drawn
    if sum(widths) <= width:
        return 1
    per_row = max(1, int(width // max(widths)))
    return math.ceil(len(names) / per_row)


def finish(fig: go.Figure, title: str, subtitle: str, source: str, look: Look = SCREEN,
           plot_height: int | None = None, notes: Sequence[Mapping] = ()) -> go.Figure:  # fmt: skip
    """Title, subtitle (with units) and source line inside the figure, so any export carries them.
    `notes`: the chart's own annotations (row labels, values), added with the source line in one step.

    Text is wrapped for `look.width` and the top and bottom margins grow with its lines, so
    nothing overlaps the plot. On screen the figure is `plot_height` (default `look.plot`) px of
    plot plus its margins; presenting, it is a fixed stage. `title`, `subtitle` and `source` are
    plotly text: outside words in them must already be escaped with `plot_text`.
    """
    plot = plot_height or look.plot
    width = look.width - MARGIN_LEFT - MARGIN_RIGHT - 12
    legend = legend_rows(fig, width, look.base)
    title_lines = wrap(title, width, look.title, bold=True)
    subtitle_lines = wrap(subtitle, width, look.base)
    source_lines = wrap(source, width, look.source)
    top = _top(len(title_lines), len(subtitle_lines), _legend_px(legend, look), look)
    bottom = _bottom(len(source_lines), look)
    fig.update_layout(
        title={
            "text": "<br>".join(f"<b>{line}</b>" for line in title_lines),
            "subtitle": {
                "text": "<br>".join(subtitle_lines),
                "font": {"size": look.base, "color": "#444444"},
            },
            "x": 0.01,
            "xanchor": "left",
            "y": 0.975 if not look.presentation else 0.985,  # nearer 1 clips a multi-line title
            "yanchor": "top",
            "pad": {"t": 6},
            "font": {"size": look.title, "color": look.ink},
        },
        font={"family": FONT, "size": look.base, "color": look.ink},
        colorway=SEQUENCE,
        template="plotly_white",
        height=look.height if look.presentation else top + plot + bottom,
        margin={"l": MARGIN_LEFT, "r": MARGIN_RIGHT, "t": top, "b": bottom},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
    )
    source_note = {
        "text": "<i>" + "<br>".join(source_lines) + "</i>",
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "yshift": -SOURCE_SHIFT,
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "align": "left",
        "font": {"size": look.source, "color": "#555555"},
        "name": "source",
    }
    # One assignment, not fig.add_annotation per note: plotly finds an annotation object's place in
    # the figure by a linear search and add_annotation copies every note already there, so a loop
    # of n notes costs n² (a pair with 180 current figures took over a minute to draw).
    fig.update_layout(annotations=[*fig.layout.annotations, *notes, source_note])
    # What the page's script needs to wrap the same words again for the chart's real width.
    fig.update_layout(
        meta={
            "wrap": {
                "title": title, "subtitle": subtitle, "source": source, "source_index": len(fig.layout.annotations) - 1,
                "title_size": look.title, "base": look.base, "source_size": look.source,
                "plot": None if look.presentation else plot,
                "presentation": look.presentation, "font": FONT,
            }
        }
    )  # fmt: skip
    fig.update_xaxes(automargin=True, gridcolor="#E6E6E6", zerolinecolor="#BBBBBB", ticklabeloverflow="allow")
    fig.update_yaxes(automargin=True, gridcolor="#E6E6E6", zerolinecolor="#BBBBBB")
    return fig


def _legend_px(rows: int, look: Look) -> int:
    """Height of plotly's legend (measured in Chromium: 30 px for one row of 13 px type, 51 for two)."""
    return 9 + rows * (look.base + 8) if rows else 0


def _top(title_lines: int, subtitle_lines: int, legend_px: int, look: Look) -> int:
    """Top margin: the title block, then the legend, then a gap above the plot (same as fit.js)."""
    return int(12 + title_lines * look.title * 1.3 + subtitle_lines * look.base * 1.4 + legend_px + 14)


def _bottom(source_lines: int, look: Look) -> int:
    return int(SOURCE_SHIFT + 8 + source_lines * (look.source + 3) * 1.3)


# --- axes --------------------------------------------------------------------------------------------
def nice_ticks(top: float, target_count: int = 5) -> list[float]:
    """Round tick values from 0 up to the first at or above `top`, about `target_count` of them, in
    steps of 1, 2, 2.5 or 5 times a power of ten: 0, 5, 10, 15, 20 for 20; 0, 2.5 … 12.5 for 11.5."""
    if not top or top <= 0 or math.isnan(top):
        return [0.0, 1.0]
    raw = top / max(1, target_count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    step = min(steps, key=lambda st: abs(top / st - (target_count - 1)))
    count = math.ceil(top / step - 1e-9)
    return [i * step for i in range(count + 1)]
