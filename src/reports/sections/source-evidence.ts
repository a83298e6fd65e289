// The evidence part of a source's block in "Fontes consultadas": the data the
// source returned, flattened into key/value rows (lists with their own
// section are only counted), and a size-capped excerpt of its raw answer, as
// received, in a shaded box.
import type { SourceResult } from "../../domain/types";
import { fmtValue } from "../format";
import { C, CONTENT_W, type Layout, MARGIN_X } from "../layout";

const fmtBytes = (n: number): string =>
  n < 1024
    ? `${n} B`
    : n < 1048576
      ? `${(n / 1024).toFixed(1).replace(".", ",")} KiB`
      : `${(n / 1048576).toFixed(2).replace(".", ",")} MiB`;

/** Keys of `data` that have their own report section (only counted in the source block). */
const SECTIONED_KEYS: Record<string, string> = {
  processos: "seção Processos judiciais e mandados",
  mandados: "seção Processos judiciais e mandados",
  qsa: "seção Quadro societário",
};
const MAX_DATA_ROWS = 40;

/** Flattens `data` into readable key/value rows (nested objects as dotted paths). */
const dataRows = (data: Record<string, unknown>): [string, string][] => {
  const rows: [string, string][] = [];
  const walk = (prefix: string, v: unknown, depth: number) => {
    if (rows.length > MAX_DATA_ROWS) return;
    if (v && typeof v === "object" && !Array.isArray(v) && depth < 3) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) rows.push([prefix, "(vazio)"]);
      for (const [k, x] of entries) walk(prefix ? `${prefix}.${k}` : k, x, depth + 1);
      return;
    }
    if (Array.isArray(v) && v.length <= 5 && depth < 2 && v.some((x) => x && typeof x === "object")) {
      v.forEach((x, i) => walk(`${prefix}[${i + 1}]`, x, depth + 1));
      return;
    }
    rows.push([prefix, fmtValue(v)]);
  };
  for (const [k, v] of Object.entries(data)) {
    if (Object.hasOwn(SECTIONED_KEYS, k) && Array.isArray(v)) {
      rows.push([k, `${v.length} registro(s), detalhados na ${SECTIONED_KEYS[k]}`]);
      continue;
    }
    walk(k, v, 0);
  }
  if (rows.length > MAX_DATA_ROWS) {
    const extra = rows.length - MAX_DATA_ROWS;
    rows.length = MAX_DATA_ROWS;
    rows.push(["…", `mais ${extra}+ campo(s) omitidos neste resumo`]);
  }
  return rows;
};

const RAW_MAX_CHARS = 1200;
const RAW_MAX_LINES = 12;
/** Wrapped lines of a raw excerpt shown at most. */
const RAW_MAX_ROWS = 12;

/** A size-capped excerpt of a raw payload, as received (no reformatting: it is evidence). */
const rawExcerpt = (raw: string): { lines: string[]; note: string } => {
  const size = new TextEncoder().encode(raw).length;
  let text = raw.replace(/\r\n?/g, "\n");
  let cut = false;
  if (text.length > RAW_MAX_CHARS) {
    text = text.slice(0, RAW_MAX_CHARS);
    cut = true;
  }
  let lines = text.split("\n");
  if (lines.length > RAW_MAX_LINES) {
    lines = lines.slice(0, RAW_MAX_LINES);
    cut = true;
  }
  return {
    lines: lines.map((l) => l.replace(/\t/g, "  ")),
    note: cut ? `trecho; resposta completa com ${fmtBytes(size)}` : `completa, ${fmtBytes(size)}`,
  };
};

/** Raw payload excerpt in a shaded box, wrapped by character so indentation and long tokens survive. */
function codeBlock(L: Layout, lines: string[], note: string): void {
  const size = 6.8;
  const lh = size * 1.3;
  const innerW = CONTENT_W - 16;
  const wrapped: string[] = [];
  for (const raw of lines) {
    const l = L.clean(raw);
    let cur = "";
    let w = 0;
    for (const ch of l) {
      const cw = L.width(ch, { size });
      if (w + cw > innerW && cur) {
        wrapped.push(cur);
        cur = "";
        w = 0;
      }
      cur += ch;
      w += cw;
    }
    wrapped.push(cur);
  }
  const shown = wrapped.slice(0, RAW_MAX_ROWS);
  if (wrapped.length > RAW_MAX_ROWS) shown[RAW_MAX_ROWS - 1] = L.fit(shown[RAW_MAX_ROWS - 1] + " …", innerW, { size });
  const h = shown.length * lh + 22;
  L.ensure(h);
  const top = L.y;
  L.page.drawRectangle({ x: MARGIN_X, y: top - h, width: CONTENT_W, height: h, color: C.zebra, borderColor: C.rule, borderWidth: 0.5 });
  L.draw(L.fit(`Resposta bruta da fonte (${note})`, innerW, { font: "bold", size: 7 }), MARGIN_X + 8, top - 10, {
    font: "bold",
    size: 7,
    color: C.muted,
  });
  let y = top - 12;
  for (const l of shown) {
    y -= lh;
    L.draw(l, MARGIN_X + 8, y, { size });
  }
  L.y = top - h - 8;
}

/** "Dados retornados" and "Resposta bruta da fonte" of one source result; nothing when it has neither. */
export function sourceEvidence(L: Layout, r: SourceResult): void {
  if (r.data && typeof r.data === "object" && Object.keys(r.data).length) {
    L.paragraph("Dados retornados", { font: "bold", size: 8.5, after: 2 });
    const data = dataRows(r.data);
    if (data.length > 3) L.keyValue2(data, 92, { size: 7.5, maxLines: 6 });
    else L.keyValue(data, 150, { size: 7.5, maxLines: 6 });
  }
  if (typeof r.raw === "string" && r.raw) {
    const ex = rawExcerpt(r.raw);
    codeBlock(L, ex.lines, ex.note);
  }
}
