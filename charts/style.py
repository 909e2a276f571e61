"""The look every chart shares: colour-blind-safe palette, title block, source line, two modes.

Okabe & Ito's palette reads the same for the common colour-vision deficiencies; where a
distinction matters (reported versus derived, itemised versus not) it is also drawn with a
pattern or a dash, never by colour alone.
"""

from __future__ import annotations

import textwrap
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
    def height(self) -> int:
        # On screen a fixed height reads well; presenting, 16 : 9 of a ~1200 px wide stage.
        return 675 if self.presentation else 460

    @property
    def ink(self) -> str:
        return "#000000" if self.presentation else INK


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width)) if text else ""


def finish(fig: go.Figure, title: str, subtitle: str, source: str, look: Look = Look()) -> go.Figure:
    """Title, subtitle (with units) and source line inside the figure, so any export carries them."""
    wrap = 70 if look.presentation else 95
    source_lines = _wrap(source, wrap + 20)
    n_source = source_lines.count("<br>") + 1
    fig.update_layout(
        title={
            "text": f"<b>{title}</b>",
            "subtitle": {"text": subtitle, "font": {"size": look.base, "color": "#444444"}},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
            "font": {"size": look.title, "color": look.ink},
        },
        font={"family": FONT, "size": look.base, "color": look.ink},
        colorway=SEQUENCE,
        template="plotly_white",
        height=look.height,
        margin={
            "l": 10,
            "r": 20,
            "t": 105 if not look.presentation else 150,
            "b": 70 + (look.base + 4) * n_source,
        },
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=fig.layout.showlegend if fig.layout.showlegend is not None else True,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0},
    )
    fig.add_annotation(
        text=f"<i>{source_lines}</i>",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-50,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": max(10, look.base - 2), "color": "#555555"},
    )
    fig.update_xaxes(automargin=True, gridcolor="#E6E6E6", zerolinecolor="#BBBBBB")
    fig.update_yaxes(automargin=True, gridcolor="#E6E6E6", zerolinecolor="#BBBBBB")
    return fig
