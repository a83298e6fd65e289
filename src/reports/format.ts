// pt-BR formatting of values printed in the report: dates (times in São Paulo
// time, with the offset: the readers are Brazilian), integers with thousands
// separators, durations, and a capped one-line rendering of any JSON value
// (findings' evidence, source data, template rules).
import { formatSaoPaulo } from "../domain/dates";

/**
 * "2026-11-26T20:44:12.000Z" gives "26/11/2026 17:44:12 (UTC-03:00)"; a date
 * alone ("2026-11-26") gives "26/11/2026"; anything else is shown as given.
 */
export const fmtDate = (iso: unknown): string => {
  if (typeof iso !== "string" || !iso) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(iso);
  if (!m) return iso;
  const date = `${m[3]}/${m[2]}/${m[1]}`;
  if (m[4] === undefined) return date;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return `${date} ${m[4]}:${m[5]}:${m[6] ?? "00"}`;
  return formatSaoPaulo(ms);
};

export const fmtInt = (n: unknown): string => {
  if (typeof n !== "number" || !Number.isFinite(n)) return n == null ? "—" : String(n);
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return n < 0 ? "-" + s : s;
};

export const fmtMs = (ms: unknown): string => {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "—";
  return ms < 1000 ? `${fmtInt(ms)} ms` : `${(ms / 1000).toFixed(2).replace(".", ",")} s`;
};

const MAX_VALUE_CHARS = 400;
const cap = (s: string) => (s.length > MAX_VALUE_CHARS ? s.slice(0, MAX_VALUE_CHARS) + "…" : s);

/** A readable one-line rendering of any JSON-ish value. */
export const fmtValue = (v: unknown, depth = 0): string => {
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? "sim" : "não";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v).replace(".", ",");
  if (typeof v === "string") return cap(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return "(vazio)";
    if (depth > 1) return `[${v.length} itens]`;
    return cap(v.map((x) => fmtValue(x, depth + 1)).join("; "));
  }
  if (typeof v === "object") {
    if (depth > 1) return "{…}";
    return cap(
      Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}: ${fmtValue(x, depth + 1)}`)
        .join(", "),
    );
  }
  return String(v);
};
