// Interactive tables of the handbook's generated pages.
//
// Enhances every <table data-hb-table="NAME"> with sorting, a text filter and facets, using
// the offline DataTables bundle of the itables package (published next to this file by the
// handbook's MkDocs plugin). Markup contract (see the page templates):
//   - <th data-hb-facet="party|edition"> marks a facet column; a cell's values are its
//     data-hb-values attribute (space-separated) when present, else the ids of its party
//     labels (<span class="hb-party hb-party--ID">), else its text;
//   - a table without facet columns whose header cells carry party labels (e.g. "Microsoft
//     will" / "Customer will") gets a party facet that shows the chosen party's columns.
// Tables of 25 rows or fewer are not paged. The filter state (words, facets, sort) lives in
// the query string as NAME.q, NAME.<facet>, NAME.sort, so a shared link opens the same view.
// Initialisation runs on every document of Material's document$ (instant navigation) and
// is idempotent: an enhanced table is never enhanced twice.

import DataTable from "./datatables/dt_bundle.js";

const PAGE_LENGTH = 25;
const ALL = "";
/** @type {WeakMap<HTMLTableElement, TableState>} */
const states = new WeakMap();

/**
 * A facet: rows (one Set of value ids per row, by DataTables' data index) for a column
 * facet, or columns (column index → party) for a facet that shows one party's columns.
 * @typedef {{key: string, label: string, column: number, kind: string, value: string,
 *            rows: Set<string>[] | null, options: Map<string, {label: string, count: number | null}>,
 *            columns: Map<number, {id: string, label: string}> | null,
 *            select: HTMLSelectElement | null}} Facet
 * @typedef {{name: string, key: string, facets: Facet[], dt: any, summary: HTMLElement,
 *            paging: boolean, printLength: number | undefined}} TableState
 */

function slug(text) {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function text(node) {
  return (node.textContent || "").replace(/\s+/g, " ").trim();
}

/** The party id of a party label: hb-party--ID. */
function partyOf(span) {
  const name = [...span.classList].find((c) => c.startsWith("hb-party--"));
  return name ? name.slice("hb-party--".length) : undefined;
}

/** The facet values of a cell: value id → label. */
function cellValues(cell) {
  const out = new Map();
  const parties = [...cell.querySelectorAll(".hb-party")];
  if (cell.hasAttribute("data-hb-values")) {
    for (const value of cell.getAttribute("data-hb-values").split(/\s+/).filter(Boolean)) {
      const span = parties.find((s) => partyOf(s) === value);
      out.set(value, span ? text(span) : value);
    }
  } else if (parties.length) {
    for (const span of parties) out.set(partyOf(span) || slug(text(span)), text(span));
  } else if (text(cell)) {
    out.set(slug(text(cell)) || text(cell), text(cell));
  }
  return out;
}

function headerCells(table) {
  const rows = table.tHead ? table.tHead.rows : [];
  return rows.length ? [...rows[rows.length - 1].cells] : [];
}

function bodyRows(table) {
  return [...table.tBodies].flatMap((tbody) => [...tbody.rows]);
}

/** Facets of a table: one per data-hb-facet column, else one over the party columns. */
function findFacets(table) {
  const headers = headerCells(table);
  const rows = bodyRows(table);
  const facets = [];
  const used = new Set();
  headers.forEach((th, column) => {
    const kind = th.getAttribute("data-hb-facet");
    if (!kind) return;
    let key = slug(text(th)) || kind;
    while (used.has(key)) key += "-" + column;
    used.add(key);
    const values = rows.map((tr) => (tr.cells[column] ? cellValues(tr.cells[column]) : new Map()));
    facets.push({
      key, label: text(th), column, kind, value: ALL, select: null,
      rows: values.map((cell) => new Set(cell.keys())),
      options: optionsOf(values),
      columns: null,
    });
  });
  if (facets.length) return facets;
  // Columns per party (a party label followed by "will"): the facet shows one party's.
  const columns = new Map();
  headers.forEach((th, column) => {
    const labels = cellValues(th);
    if (th.querySelector(".hb-party") && labels.size === 1) {
      const [[id, label]] = labels;
      columns.set(column, { id, label });
    }
  });
  if (columns.size < 2) return facets;
  const options = new Map();
  for (const { id, label } of columns.values()) options.set(id, { label, count: null });
  facets.push({
    key: "party", label: "Party", column: -1, kind: "columns", value: ALL, select: null,
    rows: null, options, columns,
  });
  return facets;
}

/** Option id → {label, count}, counting the rows with each value; parties in the legend's
 * order, other values in natural order ("2018" before "2022"). */
function optionsOf(cells) {
  const counts = new Map();
  for (const values of cells) {
    for (const [id, label] of values) {
      const option = counts.get(id) || { label, count: 0 };
      if (option.label === id) option.label = label; // a label from another row, if one has it
      option.count += 1;
      counts.set(id, option);
    }
  }
  const legend = [...document.querySelectorAll(".hb-legend .hb-party")].map(partyOf);
  const rank = (id) => (legend.includes(id) ? legend.indexOf(id) : legend.length);
  const ids = [...counts.keys()].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b, undefined, { numeric: true }),
  );
  return new Map(ids.map((id) => [id, counts.get(id)]));
}

// --- URL state ---------------------------------------------------------------------------

/** The table's saved state in the query string: NAME.q, NAME.<facet>, NAME.sort. */
function readState(key) {
  const params = new URLSearchParams(window.location.search);
  const prefix = key + ".";
  const state = new Map();
  for (const [name, value] of params) {
    if (name.startsWith(prefix)) state.set(name.slice(prefix.length), value);
  }
  return state;
}

function writeState(state) {
  const url = new URL(window.location.href);
  const prefix = state.key + ".";
  for (const name of [...url.searchParams.keys()]) {
    if (name.startsWith(prefix)) url.searchParams.delete(name);
  }
  const words = state.dt.search();
  if (words) url.searchParams.set(prefix + "q", words);
  for (const facet of state.facets) {
    if (facet.value !== ALL) url.searchParams.set(prefix + facet.key, facet.value);
  }
  const order = state.dt.order();
  if (order.length && (order[0][1] === "asc" || order[0][1] === "desc")) {
    url.searchParams.set(prefix + "sort", `${order[0][0]}-${order[0][1]}`);
  }
  if (url.href !== window.location.href) {
    // Keep history.state: Material stores the scroll offset there for instant navigation.
    window.history.replaceState(window.history.state, "", url.href);
  }
}

// --- row filtering (one global DataTables search function, per-table state) -----------------

DataTable.ext.search.push((settings, _data, dataIndex) => {
  const state = states.get(settings.nTable);
  if (!state) return true;
  return state.facets.every(
    (facet) => facet.value === ALL || !facet.rows || facet.rows[dataIndex]?.has(facet.value),
  );
});

function applyColumnFacets(state) {
  for (const facet of state.facets) {
    if (!facet.columns) continue;
    for (const [column, { id }] of facet.columns) {
      state.dt.column(column).visible(facet.value === ALL || facet.value === id, false);
    }
  }
}

// --- controls ----------------------------------------------------------------------------

let uid = 0;

function facetControl(state, facet) {
  const id = `hb-facet-${++uid}`;
  const wrapper = document.createElement("div");
  wrapper.className = "hb-facet";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = facet.kind === "columns" ? "Show the duties of" : facet.label;
  const select = document.createElement("select");
  select.id = id;
  select.name = `${state.key}.${facet.key}`;
  select.dataset.hbFacet = facet.key;
  select.add(new Option(facet.kind === "columns" ? "Both parties" : "All", ALL));
  for (const [value, { label: text, count }] of facet.options) {
    select.add(new Option(count === null ? text : `${text} (${count})`, value));
  }
  select.value = facet.value;
  select.addEventListener("change", () => {
    facet.value = select.value;
    applyColumnFacets(state);
    state.dt.draw();
  });
  facet.select = select;
  wrapper.append(label, select);
  return wrapper;
}

function controls(state) {
  const box = document.createElement("div");
  box.className = "hb-table-controls";
  for (const facet of state.facets) box.append(facetControl(state, facet));
  const reset = document.createElement("button");
  reset.type = "button";
  reset.className = "hb-table-reset";
  reset.textContent = "Clear filters";
  reset.addEventListener("click", () => {
    for (const facet of state.facets) {
      facet.value = ALL;
      if (facet.select) facet.select.value = ALL;
    }
    applyColumnFacets(state);
    state.dt.search("").draw();
  });
  box.append(reset);
  return box;
}

/** A sentence saying which filter is active (shown in print, read by screen readers). */
function describe(state) {
  const parts = [];
  for (const facet of state.facets) {
    if (facet.value === ALL) continue;
    const label = facet.options.get(facet.value)?.label ?? facet.value;
    parts.push(facet.kind === "columns" ? `only ${label}'s columns` : `${facet.label}: ${label}`);
  }
  const words = state.dt.search();
  if (words) parts.push(`words “${words}”`);
  if (!parts.length) return "";
  const info = state.dt.page.info();
  const rows = info.recordsTotal === 1 ? "row" : "rows";
  return `Filtered (${parts.join("; ")}): ${info.recordsDisplay} of ${info.recordsTotal} ${rows}.`;
}

// --- initialisation ----------------------------------------------------------------------

function enhance(table, key) {
  const rows = bodyRows(table);
  const paging = rows.length > PAGE_LENGTH;
  const saved = readState(key);
  const facets = findFacets(table);
  for (const facet of facets) {
    const wanted = saved.get(facet.key);
    if (wanted !== undefined && facet.options.has(wanted)) facet.value = wanted;
  }
  const order = [];
  const columns = headerCells(table).length;
  const sort = /^(\d+)-(asc|desc)$/.exec(saved.get("sort") || "");
  if (sort && Number(sort[1]) < columns) order.push([Number(sort[1]), sort[2]]);

  const state = { name: table.dataset.hbTable, key, facets, dt: null, paging };
  states.set(table, state);
  const summary = document.createElement("p");
  summary.className = "hb-filter-summary";
  state.summary = summary;
  const box = controls(state);

  state.dt = new DataTable(table, {
    autoWidth: false,
    order,
    paging,
    pageLength: PAGE_LENGTH,
    lengthMenu: [PAGE_LENGTH, 50, 100, { label: "All", value: -1 }],
    search: { search: saved.get("q") || "" },
    layout: {
      topStart: box,
      topEnd: "search",
      bottomStart: paging ? ["info", "pageLength"] : "info",
      bottomEnd: paging ? "paging" : null,
    },
    language: {
      search: "Filter rows:",
      searchPlaceholder: "Words…",
      entries: { _: "rows", 1: "row" },
      info: paging ? "Rows _START_ to _END_ of _TOTAL_" : "_TOTAL_ _ENTRIES-TOTAL_",
      infoEmpty: "No rows",
      infoFiltered: "(filtered from _MAX_)",
      zeroRecords: "No row matches the filter.",
      lengthMenu: "_MENU_ rows per page",
      aria: { orderable: ": activate to sort", orderableReverse: ": activate to sort in reverse" },
    },
  });
  state.dt.on("draw", () => {
    summary.textContent = describe(state);
    writeState(state);
  });
  // DataTables sorts on Enter; a button also answers Space (WAI-ARIA button pattern).
  table.tHead?.addEventListener("keydown", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (event.key !== " " || !target.matches('[role="button"], th[tabindex]')) return;
    event.preventDefault();
    target.click();
  });
  applyColumnFacets(state);
  state.dt.draw(false);
  table.closest(".dt-container")?.prepend(summary);
  table.dataset.hbEnhanced = "true";
}

function forgetDetached() {
  for (const node of DataTable.tables()) {
    if (node.isConnected) continue;
    try {
      new DataTable.Api(node).destroy();
    } catch {
      // The table left the document with the page it was on; nothing else to release.
    }
  }
}

function syncDarkClass() {
  const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
  document.documentElement.classList.toggle("dark", dark);
}

export function init() {
  forgetDetached();
  syncDarkClass();
  const seen = new Map();
  for (const table of document.querySelectorAll("table[data-hb-table]")) {
    const name = table.dataset.hbTable || "table";
    const count = (seen.get(name) || 0) + 1;
    seen.set(name, count);
    if (table.dataset.hbEnhanced || DataTable.isDataTable(table)) continue;
    try {
      enhance(table, count === 1 ? name : `${name}-${count}`);
    } catch (error) {
      // A table that cannot be enhanced stays the complete HTML table it already is.
      console.error("handbook: could not enhance table", name, error);
    }
  }
}

// Print whole tables: every row that passes the filter, not just the current page.
function printAll(printing) {
  for (const table of document.querySelectorAll("table[data-hb-enhanced]")) {
    const state = states.get(table);
    if (!state || !state.paging) continue;
    if (printing && state.printLength === undefined) {
      state.printLength = state.dt.page.len();
      state.dt.page.len(-1).draw(false);
    } else if (!printing && state.printLength !== undefined) {
      state.dt.page.len(state.printLength).draw(false);
      state.printLength = undefined;
    }
  }
}

if (!window.__hbTables) {
  window.__hbTables = { init };
  window.addEventListener("beforeprint", () => printAll(true));
  window.addEventListener("afterprint", () => printAll(false));
  window.matchMedia("print").addEventListener("change", (event) => printAll(event.matches));
  new MutationObserver(syncDarkClass).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });
  init();
  // Material's document$ emits each document, including those of instant navigation.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => init());
  } else {
    document.addEventListener("DOMContentLoaded", () => init());
  }
}
