// A small chart library of our own: horizontal bars, stacked or not, drawn with HTML and CSS so
// that labels wrap instead of being cut and legends flow onto as many lines as the width needs.
// No network, no dependencies.
"use strict";

const Charts = (() => {
  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // Vietnamese grouping: 29.180.000.000 (dots between thousands).
  function formatNumber(value) {
    const sign = value < 0 ? "-" : "";
    return sign + String(Math.abs(Math.round(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  // Vietnamese decimals: 4,52 (a comma before the decimals, dots between thousands).
  function formatDecimal(value, digits = 2) {
    const [whole, decimals] = Math.abs(value).toFixed(digits).split(".");
    const sign = value < 0 ? "-" : "";
    return `${sign}${formatNumber(Number(whole))},${decimals}`;
  }

  // A legend: one swatch and name per series, wrapping onto further lines when narrow.
  function legend(items) {
    const list = node("ul", "legend");
    for (const item of items) {
      const entry = node("li");
      const swatch = node("span", "swatch");
      swatch.style.background = item.color;
      entry.append(swatch, node("span", "legend-name", item.name));
      list.append(entry);
    }
    return list;
  }

  // rows: [{label, parts: [{value, color, name}]}]; one bar per row, parts stacked. The label is
  // on its own line above the bar, in full; the row's total follows the bar.
  function bars(container, rows, options = {}) {
    const max = Math.max(1, ...rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0)));
    const chart = node("div", "chart");
    if (!rows.length) chart.append(node("p", "chart-empty", "Không có số liệu trong kỳ"));
    for (const row of rows) {
      const line = node("div", "bar-row");
      const track = node("span", "bar-track");
      let total = 0;
      for (const part of row.parts) {
        total += part.value;
        if (part.value <= 0) continue;
        const piece = node("span", "bar-part");
        piece.style.width = `${(100 * part.value) / max}%`;
        piece.style.background = part.color;
        piece.title = `${part.name}: ${formatNumber(part.value)}`;
        track.append(piece);
      }
      line.append(node("span", "bar-label", row.label), track,
        node("span", "bar-total", formatNumber(total)));
      chart.append(line);
    }
    if (options.legend && options.legend.length) chart.append(legend(options.legend));
    container.replaceChildren(chart);
  }

  return { bars, formatNumber, formatDecimal };
})();
