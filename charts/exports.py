"""Files people take away: chart images, the slide deck, CSVs and the zip of all tables.

No Streamlit here: each function returns bytes, so it can be tested directly and called lazily by
a download button. Images are drawn server-side by plotly's kaleido, which drives a Chrome or
Chromium installed on the machine; `browser_available` tells the app up front whether there is
one, so a button can say so instead of failing after a long wait.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.io as pio

from charts.catalog import Chart, article_label, citation
from charts.checked import tally
from charts.style import EXPORT_HEIGHT, EXPORT_SCALE, EXPORT_WIDTH
from etl.tables import DATAPACKAGE, TABLE_NAMES, spec, to_csv_bytes


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A table as CSV: the processed tables' format, text cells made formula-safe."""
    return to_csv_bytes(df)


def browser_path() -> str | None:
    """The Chrome/Chromium kaleido would use, found the way kaleido's driver looks for it."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:  # kaleido's driver is missing: no server-side images
        return None
    try:
        return Chromium.find_browser(skip_local=False)
    except Exception:  # the search itself failing means no usable browser
        return None


def browser_available() -> bool:
    return browser_path() is not None


def images(charts: Sequence[Chart], fmt: str = "png") -> list[bytes]:
    """Each chart drawn at slide size (1920 x 1080 for PNG), in one browser session."""
    figures = [c.figure for c in charts]
    if not figures:
        return []
    size = {"width": EXPORT_WIDTH, "height": EXPORT_HEIGHT, "scale": EXPORT_SCALE if fmt == "png" else 1}
    if len(figures) == 1:
        return [pio.to_image(figures[0], format=fmt, **size)]
    # plotly's batch writer keeps one browser for all figures (much faster than one each).
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"{i}.{fmt}" for i in range(len(figures))]
        pio.write_images(figures, paths, format=fmt, **size)
        return [p.read_bytes() for p in paths]


def slides(charts: Sequence[Chart], tables: Mapping[str, pd.DataFrame], subtitle: str,
           made: date | None = None) -> bytes:  # fmt: skip
    """A .pptx: a title slide (the pair, the date it was made, the sources), then one chart per
    slide as an image, with its sources and claims in the speaker notes, each claim saying whether
    a person reviewed it."""
    from pptx import Presentation
    from pptx.util import Emu

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16 : 9
    made = made or date.today()
    _title_slide(deck, charts, tables, subtitle, made)
    blank = deck.slide_layouts[6]
    for chart, png in zip(charts, images(charts, "png"), strict=True):
        slide = deck.slides.add_slide(blank)
        slide.shapes.add_picture(io.BytesIO(png), 0, 0, width=deck.slide_width, height=deck.slide_height)
        _notes(
            slide,
            f"{chart.headline} ({subtitle}, generated {made:%d %B %Y})\n{chart.description}\n\n"
            f"Claims behind this chart ({tally(chart.claims)}):\n" + citation(chart.claims, tables),
        )
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title_slide(deck, charts: Sequence[Chart], tables: Mapping[str, pd.DataFrame], subtitle: str,
                 made: date) -> None:  # fmt: skip
    """Slide 1: what the deck is about, when it was made and which articles it rests on."""
    from pptx.util import Emu, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    sources = sorted({a for c in charts for a in c.sources})
    margin = Emu(600000)
    width = deck.slide_width - 2 * margin
    blocks = [
        (f"{subtitle}: trade against the stated target", 40, True, Emu(700000)),
        (f"Charts from news articles · made {made:%d %B %Y}", 22, False, Emu(1700000)),
        ("Sources", 18, True, Emu(2500000)),
    ]
    for text, size, bold, top in blocks:
        box = slide.shapes.add_textbox(margin, top, width, Emu(800000))
        box.text_frame.word_wrap = True
        run = box.text_frame.paragraphs[0].add_run()
        run.text, run.font.size, run.font.bold = text, Pt(size), bold
    listing = slide.shapes.add_textbox(margin, Emu(2950000), width, deck.slide_height - Emu(3300000))
    frame = listing.text_frame
    frame.word_wrap = True
    for i, article_id in enumerate(sources or [""]):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = article_label(article_id, tables) if article_id else "No article: the charts are empty"
        run.font.size = Pt(16 if len(sources) <= 6 else 12)
    _notes(slide, "Every figure is a claim made in a news article; the notes of each slide cite them.\n"
           + "\n".join(f"{a}: {article_label(a, tables)}" for a in sources))  # fmt: skip


def _notes(slide, text: str) -> None:
    from pptx.util import Pt

    notes = slide.notes_slide.notes_text_frame
    notes.text = text
    for p in notes.paragraphs:
        for run in p.runs:
            run.font.size = Pt(11)


def readme(tables: dict[str, pd.DataFrame]) -> str:
    meta = spec()
    lines = [f"# {meta['package']['title']}", "", " ".join(meta["package"]["description"].split()), "",
             "## Sources", ""]  # fmt: skip
    for a in tables["articles"].itertuples():
        lines.append(
            f"- {a.article_id}: {article_label(a.article_id, tables)}{'' if a.published else ', date not stated'}; "
            f"{a.n_claims} claim(s); {a.checksum}"
        )
    lines += [
        "",
        "## How the numbers were extracted",
        "",
        "Rules over the article text (no model, no network) find every money figure and percentage,",
        "keep those whose sentence is about trade between two countries, and classify each as current",
        "trade, a target, a one-way flow or a share. Every claim keeps the sentence it came from",
        "(`quote`) and its character offsets (`start`, `end`) in the article. Figures disagree between",
        "sources; none is dropped. `target_gaps` and `trade_balance` are computed from the claims; a",
        "direction marked `derived` is the two-way total minus the reported side.",
        "",
        "## Columns",
    ]
    for name, table in meta["tables"].items():
        lines += ["", f"### {name}.csv: {table['title']}", "", " ".join(table["description"].split()), ""]
        lines += [f"- `{f['name']}` ({f['type']}): {f['description']}" for f in table["fields"]]
    return "\n".join(lines) + "\n"


def tables_zip(directory: Path, tables: dict[str, pd.DataFrame]) -> bytes:
    """Every processed table, its datapackage.json and a README, as one zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in TABLE_NAMES:
            z.writestr(f"{name}.csv", (Path(directory) / f"{name}.csv").read_bytes())
        z.writestr(DATAPACKAGE, (Path(directory) / DATAPACKAGE).read_bytes())
        z.writestr("README.md", readme(tables))
    return out.getvalue()
