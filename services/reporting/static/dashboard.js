// Loads the report figures for the chosen period and agency and draws them.
"use strict";

const COLORS = {
  early: "#2e7d32", onTime: "#1565c0", late: "#c62828", within: "#6a9fd8", overdue: "#ef6c00",
  not: "#c62828", sat: "#1565c0", very: "#2e7d32", pay: "#8b1a1a",
};
const form = document.getElementById("filters");
const statusLine = document.getElementById("status");
const fmt = Charts.formatNumber;

// 2026-01-31 -> 31/01/2026, the order Vietnamese readers expect.
function vnDate(iso) {
  return iso.split("-").reverse().join("/");
}

// 31/01/2026 (or 31/1/2026) -> 2026-01-31; null when it is not a real day.
function isoDate(text) {
  const match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
  if (!match) return null;
  const [day, month, year] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return `${match[3]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

// The form's period and agency as the reports' query; throws a Vietnamese message when a day is bad.
function params() {
  const data = new FormData(form);
  const from = isoDate(data.get("from"));
  const to = isoDate(data.get("to"));
  if (!from) throw new Error("“Từ ngày” phải là một ngày theo dạng ngày/tháng/năm, ví dụ 01/01/2018");
  if (!to) throw new Error("“Đến ngày” phải là một ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2018");
  const query = new URLSearchParams({ from, to });
  if (data.get("agency")) query.set("agency", data.get("agency"));
  return query;
}

async function getJson(path, query) {
  const response = await fetch(`${path}?${query}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail.map((d) => `${d.field}: ${d.reason}`).join("; "));
  return body;
}

function setFigure(name, value) {
  document.querySelector(`[data-figure="${name}"]`).textContent = fmt(value);
}

// Fills a table's body; each cell carries its column's heading, which the phone layout shows.
function fillTable(id, rows) {
  const table = document.getElementById(id);
  const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
  const body = table.querySelector("tbody");
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = headings.length;
    td.className = "empty";
    td.textContent = "Không có số liệu trong kỳ";
    tr.appendChild(td);
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      td.dataset.label = headings[i];
      tr.appendChild(td);
    });
    return tr;
  }));
}

function showOneStop(report) {
  const t = report.total;
  setFigure("received-total", t.received.total);
  setFigure("carried-over", t.received.carried_over);
  setFigure("online", t.received.online);
  setFigure("direct", t.received.direct_or_postal);
  setFigure("resolved-total", t.resolved.total);
  setFigure("early", t.resolved.early);
  setFigure("on-time", t.resolved.on_time);
  setFigure("late", t.resolved.late);
  setFigure("in-progress", t.in_progress.total);
  setFigure("within", t.in_progress.within_deadline);
  setFigure("overdue", t.in_progress.overdue);
  Charts.bars(document.getElementById("chart-timeliness"), [
    { label: "Đã giải quyết", parts: [
      { value: t.resolved.early, color: COLORS.early, name: "Trước hạn" },
      { value: t.resolved.on_time, color: COLORS.onTime, name: "Đúng hạn" },
      { value: t.resolved.late, color: COLORS.late, name: "Quá hạn" }] },
    { label: "Đang giải quyết", parts: [
      { value: t.in_progress.within_deadline, color: COLORS.within, name: "Trong hạn" },
      { value: t.in_progress.overdue, color: COLORS.overdue, name: "Đang quá hạn" }] },
  ], { legend: [
    { name: "Trước hạn", color: COLORS.early }, { name: "Đúng hạn", color: COLORS.onTime },
    { name: "Quá hạn", color: COLORS.late }, { name: "Trong hạn", color: COLORS.within },
    { name: "Đang quá hạn", color: COLORS.overdue }] });
  Charts.bars(document.getElementById("chart-procedures"), report.rows.map((r) => ({
    label: r.label, parts: [
      { value: r.resolved.early, color: COLORS.early, name: "Trước hạn" },
      { value: r.resolved.on_time, color: COLORS.onTime, name: "Đúng hạn" },
      { value: r.resolved.late, color: COLORS.late, name: "Quá hạn" },
      { value: r.in_progress.total, color: COLORS.within, name: "Đang giải quyết" }] })),
  { legend: [
    { name: "Trước hạn", color: COLORS.early }, { name: "Đúng hạn", color: COLORS.onTime },
    { name: "Quá hạn", color: COLORS.late }, { name: "Đang giải quyết", color: COLORS.within }] });
  fillTable("one-stop", report.rows.map((r) => [r.label, fmt(r.received.total),
    fmt(r.resolved.total), fmt(r.resolved.early), fmt(r.resolved.on_time), fmt(r.resolved.late),
    fmt(r.in_progress.total), fmt(r.in_progress.overdue)]));
}

function showPayments(report) {
  fillTable("payments", report.rows.map((r) => [r.label, fmt(r.beneficiaries), fmt(r.amount_vnd)]));
  document.querySelectorAll("#payments tbody tr").forEach((tr, i) => {
    if (report.rows[i]) tr.dataset.programme = report.rows[i].programme;
  });
  Charts.bars(document.getElementById("chart-payments"), report.rows.map((r) => ({
    label: r.label, parts: [{ value: r.amount_vnd, color: COLORS.pay, name: "Số tiền" }] })));
}

function showSatisfaction(report) {
  Charts.bars(document.getElementById("chart-satisfaction"), report.rows.map((r) => ({
    label: r.label, parts: [
      { value: r.overall.not_satisfied.count, color: COLORS.not, name: "Không hài lòng" },
      { value: r.overall.satisfied.count, color: COLORS.sat, name: "Hài lòng" },
      { value: r.overall.very_satisfied.count, color: COLORS.very, name: "Rất hài lòng" }] })),
  { legend: [{ name: "Không hài lòng", color: COLORS.not }, { name: "Hài lòng", color: COLORS.sat },
    { name: "Rất hài lòng", color: COLORS.very }] });
  fillTable("satisfaction", report.rows.map((r) => [r.label, fmt(r.ratings),
    Charts.formatDecimal(r.average_points), fmt(r.overall.not_satisfied.count),
    fmt(r.overall.satisfied.count), fmt(r.overall.very_satisfied.count)]));
}

// One pair of download buttons per table: the same report, same period and agency, as a file.
function showExports(query) {
  for (const section of document.querySelectorAll("section[data-report]")) {
    const links = ["csv", "xlsx"].map((format) => {
      const q = new URLSearchParams(query);
      q.set("format", format);
      const a = document.createElement("a");
      a.className = "button";
      a.href = `/reports/${section.dataset.report}?${q}`;
      a.textContent = `Tải ${format.toUpperCase()}`;
      a.setAttribute("download", "");
      return a;
    });
    section.querySelector(".exports").replaceChildren(...links);
  }
}

async function load() {
  statusLine.classList.remove("error");
  try {
    const query = params();
    statusLine.textContent = "Đang tải số liệu…";
    const [oneStop, payments, satisfaction] = await Promise.all([
      getJson("/reports/one-stop", query), getJson("/reports/payments", query),
      getJson("/reports/satisfaction", query)]);
    showOneStop(oneStop);
    showPayments(payments);
    showSatisfaction(satisfaction);
    showExports(query);
    history.replaceState(null, "", `?${query}`);
    // The server's period, not the form's: one that ends in the future is reported up to today.
    const { from, to } = oneStop.period;
    const agency = form.elements.agency.selectedOptions[0];
    const scope = agency && agency.value ? `, ${agency.title}` : ", tất cả đơn vị";
    statusLine.textContent = `Số liệu từ ngày ${vnDate(from)} đến ngày ${vnDate(to)}${scope}`;
    document.body.dataset.loaded = "true";
  } catch (error) {
    statusLine.classList.add("error");
    statusLine.textContent = `Không tải được số liệu: ${error.message}`;
  }
}

// On a phone the agency list shows the usual abbreviations (Phòng LĐ-TB&XH, UBND), so that the
// chosen name fits the select; the full name stays in the option's title and the status line.
const NARROW = window.matchMedia("(max-width: 640px)");
const ABBREVIATIONS = [[/Lao động\s*-\s*Thương binh và Xã hội/g, "LĐ-TB&XH"],
  [/Ủy ban nhân dân/g, "UBND"]];

function agencyText(name) {
  if (!NARROW.matches) return name;
  return ABBREVIATIONS.reduce((text, [pattern, short]) => text.replace(pattern, short), name);
}

function labelAgencies() {
  for (const option of form.elements.agency.options) {
    if (option.value) option.text = agencyText(option.title);
  }
}

// A day given in the address, as 2018-01-31 (what the reports take) or 31/01/2018.
function dayFromUrl(value, fallback) {
  if (value && /^\d{4}-\d{2}-\d{2}$/.test(value)) return vnDate(value);
  return value || fallback;
}

async function init() {
  const url = new URLSearchParams(location.search);
  const year = new Date().getFullYear();
  form.elements.from.value = dayFromUrl(url.get("from"), `01/01/${year}`);
  form.elements.to.value = dayFromUrl(url.get("to"), `31/12/${year}`);
  try {
    const dims = await (await fetch("/reports/dimensions")).json();
    const select = form.elements.agency;
    for (const [code, name] of Object.entries(dims.agency)) {
      const option = new Option(name, code);
      option.title = name;
      select.add(option);
    }
    labelAgencies();
    NARROW.addEventListener("change", labelAgencies);
    select.value = url.get("agency") || "";
  } catch (error) {
    statusLine.textContent = `Không tải được danh sách đơn vị: ${error.message}`;
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  await load();
}

init();
