// Fits each chart's words to the width the chart has on screen (plotly does not wrap text).
// Served by Streamlit from static/ (server.enableStaticServing) and loaded by dashboard.py as a
// script file, so a Content-Security-Policy of script-src 'self' allows it.
//
// charts/style.py wraps titles, subtitles and source lines for the 960 px export and leaves the
// unwrapped words in layout.meta.wrap. Once plotly has drawn a chart, this wraps them again for
// the chart's real width, measured in the chart's own font, sets the margins and height to fit,
// and makes the camera button export at that width (16 : 9, 1920 px wide), so the picture has
// the words as they were on screen. Presenting, the chart's height is fitted to the window so its
// axis stays above the fold. Our own code: it reads no article text as markup (plotly text is
// escaped by charts/style.py, and relayout passes it to plotly as before).
(() => {
  // Load Streamlit's plotly chart code now, not when the first chart arrives (dashboard.py names it
  // only on pages with charts): the URL the app imports it from, next to its main script, so the
  // app then finds it loaded and run. Run here, not just fetched, it overlaps the page's script.
  // (Importing it again on a later page does nothing.)
  const chunk = document.currentScript ? document.currentScript.dataset.plotlyChunk : "";
  const main = document.querySelector('script[src*="static/js/index."]');
  if (chunk && main) import(new URL(chunk, main.src).href).catch(() => {});
  if (window.__tradeFit) return;
  window.__tradeFit = true;
  const EXPORT_MIN = 768;
  const EXPORT_MAX = 1600;
  const SIDE = 20 + 24 + 12; // margin.l + margin.r + padding, as in charts/style.py
  const [B, B_END, I, I_END, BR] = ["<b>", "</b>", "<i>", "</i>", "<br>"]; // plotly's markup
  const ctx = document.createElement("canvas").getContext("2d");
  const decoder = document.createElement("textarea");

  const shown = (text) => {
    decoder.innerHTML = text; // entities such as &lt; as the reader sees them; never inserted in the page
    return decoder.value;
  };
  const measure = (text, size, bold, font) => {
    ctx.font = `${bold ? "bold " : ""}${size}px ${font}`;
    return ctx.measureText(shown(text)).width;
  };
  const wrap = (text, width, size, bold, font) => {
    const lines = [];
    let line = "";
    for (const word of String(text).split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (line && measure(candidate, size, bold, font) > width) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    if (line) lines.push(line);
    return lines;
  };

  // The words of a block as plotly holds them, one entry a line, markup removed.
  const linesOf = (text) =>
    String(text || "")
      .split(BR)
      .map((l) => l.replace(/<\/?[bi]>/g, ""))
      .filter(Boolean);
  // Lines wrapped here, unless the ones already drawn fit the width in as many lines (the server
  // measures text a little differently: keeping its lines saves a redraw).
  const keep = (drawn, wanted, width, size, bold, font) => {
    const old = linesOf(drawn);
    const ok = old.length === wanted.length && old.every((l) => measure(l, size, bold, font) <= width);
    return ok ? old : wanted;
  };

  const stageHeight = (gd, width) => {
    const main = document.querySelector('[data-testid="stMain"]');
    const top = gd.getBoundingClientRect().top + (main ? main.scrollTop : 0);
    return Math.max(420, Math.min(Math.round((width * 9) / 16), Math.round(window.innerHeight - top - 16)));
  };

  // Streamlit gives a chart's element the height of the figure it was sent and sizes the figure
  // to the element: the element gets the new height, and the figure follows.
  const size = (gd, height) => {
    const cell = gd.closest('[data-testid="stElementContainer"]');
    if (cell && cell.style.height !== `${height}px`) {
      cell.style.height = `${height}px`;
      cell.style.flex = `0 0 ${height}px`;
    }
  };

  const fit = (gd) => {
    const meta = gd.layout && gd.layout.meta && gd.layout.meta.wrap;
    if (!meta || !window.Plotly || !gd._fullLayout) return;
    const width = gd._fullLayout.width;
    const key = `${width}:${meta.presentation ? window.innerHeight : ""}`;
    const title = gd.layout.title && gd.layout.title.text;
    const done = gd.__fit;
    if (done && done.key === key && done.title === title && Math.abs(gd._fullLayout.height - done.height) <= 6) {
      size(gd, done.height);
      return;
    }
    const room = Math.min(width, EXPORT_MAX) - SIDE;
    const now = gd.layout;
    const drawnSource = now.annotations[meta.source_index].text;
    const titleLines = keep(title, wrap(meta.title, room, meta.title_size, true, meta.font), room, meta.title_size, true, meta.font);
    const subtitleLines = keep((now.title.subtitle || {}).text, wrap(meta.subtitle, room, meta.base, false, meta.font), room, meta.base, false, meta.font);
    const sourceLines = keep(drawnSource, wrap(meta.source, room, meta.source_size, false, meta.font), room, meta.source_size, false, meta.font);
    const legend = gd.querySelector(".legend");
    const legendHeight = legend ? legend.getBBox().height : 0;
    const top = Math.round(
      12 + titleLines.length * meta.title_size * 1.3 + subtitleLines.length * meta.base * 1.4 + legendHeight + 14,
    );
    const bottom = Math.round(60 + sourceLines.length * (meta.source_size + 3) * 1.3);
    const height = meta.presentation ? stageHeight(gd, width) : top + meta.plot + bottom;
    const titleText = titleLines.map((l) => `${B}${l}${B_END}`).join(BR);
    gd.__fit = { key, title: titleText, height };
    const exportWidth = Math.max(EXPORT_MIN, Math.min(16 * Math.floor(width / 16), EXPORT_MAX));
    gd._context.toImageButtonOptions = {
      ...gd._context.toImageButtonOptions,
      width: exportWidth,
      height: (exportWidth * 9) / 16,
      scale: (1920 + 1e-6) / exportWidth, // a hair over, so the canvas is never 1919 px
    };
    const update = {
      "title.text": titleText,
      "title.subtitle.text": subtitleLines.join(BR),
      "margin.t": top,
      "margin.b": bottom,
      height,
    };
    const sourceKey = `annotations[${meta.source_index}].text`;
    update[sourceKey] = `${I}${sourceLines.join(BR)}${I_END}`;
    // Nothing to redraw when the words already sit as they should (the width the server wrapped for).
    const near = (a, b) => Math.abs(a - b) <= 6;
    const same =
      now.title.text === update["title.text"] &&
      (now.title.subtitle || {}).text === update["title.subtitle.text"] &&
      now.annotations[meta.source_index].text === update[sourceKey] &&
      near(now.margin.t, top) &&
      near(now.margin.b, bottom) &&
      near(gd._fullLayout.height, height);
    if (same) {
      gd.__fit.height = gd._fullLayout.height;
      size(gd, gd.__fit.height);
      return;
    }
    gd.__relayouts = (gd.__relayouts || 0) + 1; // how often the words had to move (read by the tests)
    size(gd, height);
    window.Plotly.relayout(gd, update);
  };

  const bind = () => {
    // Only the app's charts: plotly's image export draws a hidden copy, which must keep its size.
    for (const gd of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
      if (!gd.__fitBound && typeof gd.on === "function") {
        gd.__fitBound = true;
        gd.on("plotly_afterplot", () => fit(gd));
      }
      fit(gd);
    }
  };
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      bind();
    });
  };
  new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  window.addEventListener("resize", soon);
  soon();
})();
