// A small SVG chart library of our own: horizontal bars, stacked or not. No network, no deps.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Vietnamese grouping: 29.180.000.000
  function formatNumber(value) {
    return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  // rows: [{label, parts: [{value, color, name}]}]; one bar per row, parts stacked.
  function bars(container, rows, options = {}) {
    const labelWidth = options.labelWidth || 180;
    const width = options.width || 560;
    const rowHeight = 28;
    const max = Math.max(1, ...rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0)));
    const legend = options.legend || [];
    const height = rows.length * rowHeight + (legend.length ? 28 : 8);
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img" });
    rows.forEach((row, i) => {
      const y = i * rowHeight + 4;
      svg.appendChild(el("text", { x: 0, y: y + 15 }, row.label.slice(0, 28)));
      let x = labelWidth;
      let total = 0;
      for (const part of row.parts) {
        const w = ((width - labelWidth - 130) * part.value) / max;
        const rect = el("rect", { x, y, width: Math.max(w, 0), height: 20, fill: part.color });
        rect.appendChild(el("title", {}, `${part.name}: ${formatNumber(part.value)}`));
        svg.appendChild(rect);
        x += w;
        total += part.value;
      }
      svg.appendChild(el("text", { x: x + 6, y: y + 15 }, formatNumber(total)));
    });
    let lx = labelWidth;
    for (const item of legend) {
      const y = rows.length * rowHeight + 8;
      svg.appendChild(el("rect", { x: lx, y, width: 12, height: 12, fill: item.color }));
      svg.appendChild(el("text", { x: lx + 16, y: y + 11 }, item.name));
      lx += 22 + item.name.length * 6;
    }
    container.replaceChildren(svg);
  }

  return { bars, formatNumber };
})();
