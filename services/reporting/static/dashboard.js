// Loads the report figures for the chosen period and agency and draws them.
"use strict";

const COLORS = {
  early: "#2e7d32", onTime: "#1565c0", late: "#c62828", within: "#6a9fd8", overdue: "#ef6c00",
  not: "#c62828", sat: "#1565c0", very: "#2e7d32", pay: "#8b1a1a",
};
const form = document.getElementById("filters");
const statusLine = document.getElementById("status");

function params() {
  const data = new FormData(form);
  const query = new URLSearchParams({ from: data.get("from"), to: data.get("to") });
  if (data.get("agency")) query.set("agency", data.get("agency"));
  return query;
}

async function getJson(path, query) {
  const response = await fetch(`${path}?${query}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail.map((d) => `${d.field}: ${d.reason}`).join("; "));
  return body;
}

// 2026-01-31 -> 31/01/2026, the order Vietnamese readers expect.
function vnDate(iso) {
  return iso.split("-").reverse().join("/");
}

function setFigure(name, value) {
  document.querySelector(`[data-figure="${name}"]`).textContent = Charts.formatNumber(value);
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
      { value: t.in_progress.overdue, color: COLORS.overdue, name: "Quá hạn" }] },
  ], { legend: [
    { name: "Trước hạn", color: COLORS.early }, { name: "Đúng hạn", color: COLORS.onTime },
    { name: "Quá hạn", color: COLORS.late }, { name: "Trong hạn", color: COLORS.within },
    { name: "Đang quá hạn", color: COLORS.overdue }] });
  Charts.bars(document.getElementById("chart-procedures"), report.rows.map((r) => ({
    label: r.label, parts: [
      { value: r.resolved.early, color: COLORS.early, name: "Trước hạn" },
      { value: r.resolved.on_time, color: COLORS.onTime, name: "Đúng hạn" },
      { value: r.resolved.late, color: COLORS.late, name: "Quá hạn" },
      { value: r.in_progress.total, color: COLORS.within, name: "Đang giải quyết" }] })));
}

function showPayments(report) {
  const body = document.querySelector("#payments tbody");
  body.replaceChildren(...report.rows.map((r) => {
    const tr = document.createElement("tr");
    for (const text of [r.label, Charts.formatNumber(r.beneficiaries), Charts.formatNumber(r.amount_vnd)]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    tr.dataset.programme = r.programme;
    return tr;
  }));
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
}

function showExports(query) {
  const links = [];
  for (const [path, name] of [["one-stop", "Báo cáo một cửa"], ["payments", "Chi trả"],
    ["satisfaction", "Hài lòng"]]) {
    for (const format of ["csv", "xlsx"]) {
      const q = new URLSearchParams(query);
      q.set("format", format);
      const a = document.createElement("a");
      a.href = `/reports/${path}?${q}`;
      a.textContent = `${name} (${format.toUpperCase()})`;
      links.push(a);
    }
  }
  document.getElementById("exports").replaceChildren(...links);
}

async function load() {
  const query = params();
  statusLine.textContent = "Đang tải số liệu…";
  try {
    const [oneStop, payments, satisfaction] = await Promise.all([
      getJson("/reports/one-stop", query), getJson("/reports/payments", query),
      getJson("/reports/satisfaction", query)]);
    showOneStop(oneStop);
    showPayments(payments);
    showSatisfaction(satisfaction);
    showExports(query);
    // The server's period, not the form's: one that ends in the future is reported up to today.
    const { from, to } = oneStop.period;
    statusLine.textContent = `Số liệu từ ngày ${vnDate(from)} đến ngày ${vnDate(to)}`;
    document.body.dataset.loaded = "true";
  } catch (error) {
    statusLine.textContent = `Không tải được số liệu: ${error.message}`;
  }
}

async function init() {
  const url = new URLSearchParams(location.search);
  const year = new Date().getFullYear();
  form.elements.from.value = url.get("from") || `${year}-01-01`;
  form.elements.to.value = url.get("to") || `${year}-12-31`;
  try {
    const dims = await (await fetch("/reports/dimensions")).json();
    const select = form.elements.agency;
    for (const [code, name] of Object.entries(dims.agency)) select.add(new Option(name, code));
    select.value = url.get("agency") || "";
  } catch (error) {
    statusLine.textContent = `Không tải được danh sách đơn vị: ${error.message}`;
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  await load();
}

init();
