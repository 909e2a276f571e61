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


SCREEN = Look()
PRESENTING = Look(presentation=True)


def finish(fig: go.Figure, title: str, subtitle: str, source: str, look: Look = SCREEN) -> go.Figure:
    """Title, subtitle (with units) and source line inside the figure, so any export carries them.

    Text is wrapped for a narrow screen (a phone shows about 40 characters of title), and the
    top and bottom margins grow with the number of lines, so nothing overlaps the plot.
    """
    title_lines = textwrap.wrap(title, 52 if look.presentation else 40)
    subtitle_lines = textwrap.wrap(subtitle, 80 if look.presentation else 60)
    source_lines = textwrap.wrap(source, 95 if look.presentation else 70)
    legend = 34 if fig.layout.showlegend is not False and len(fig.data) > 1 else 6
    top = int(12 + len(title_lines) * look.title * 1.3 + len(subtitle_lines) * look.base * 1.4 + legend + 8)
    bottom = int(60 + len(source_lines) * (look.base + 2) * 1.3)
    fig.update_layout(
        title={
            "text": "<br>".join(f"<b>{line}</b>" for line in title_lines),
            "subtitle": {
                "text": "<br>".join(subtitle_lines),
                "font": {"size": look.base, "color": "#444444"},
            },
            "x": 0.01,
            "xanchor": "left",
            "y": 0.975,  # nearer 1 clips the first line of a multi-line title
            "yanchor": "top",
            "pad": {"t": 6},
            "font": {"size": look.title, "color": look.ink},
        },
        font={"family": FONT, "size": look.base, "color": look.ink},
        colorway=SEQUENCE,
        template="plotly_white",
        # Presenting: a fixed 16 : 9 stage. On screen: room for however many title lines there are.
        height=look.height if look.presentation else look.height + top - 105,
        margin={"l": 10, "r": 24, "t": top, "b": bottom},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
    )
    fig.add_annotation(
        text="<i>" + "<br>".join(source_lines) + "</i>",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-52,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": max(10, look.base - 2), "color": "#555555"},
    )
    fig.update_xaxes(automargin=True, gridcolor="#E6E6E6", zerolinecolor="#BBBBBB")
    fig.update_yaxes(automargin=True, gridcolor="#E6E6E6", zerolinecolor="#BBBBBB")
    return fig
