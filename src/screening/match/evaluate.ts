import { CsvTokenizer } from "../parsers/stream";
import type { MatchSchema } from "./normalize";
import { scoreNames } from "./score";
import { DEFAULT_THRESHOLD } from "./strength";

/**
 * Evaluation of the scorer on labelled name pairs (`schema,name1,name2[,is_match]`
 * CSV, as in the shared name-pairs set). Pure: text in, text and numbers out;
 * `npm run screening:pairs` and the node test do the file I/O.
 */

/** RFC 4180 CSV (comma separated, "" escapes a quote, CRLF or LF; a leading BOM dropped): the list parsers' tokenizer. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const csv = new CsvTokenizer(",");
  csv.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, rows);
  csv.end(rows);
  return rows;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}

export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}

const SCHEMAS: Record<string, MatchSchema> = {
  person: "Person",
  pf: "Person",
  individual: "Person",
  company: "Company",
  pj: "Company",
  organization: "Organization",
  organisation: "Organization",
  legalentity: "LegalEntity",
  vessel: "Vessel",
  airplane: "Airplane",
  aircraft: "Airplane",
};

export function schemaOf(value: string): MatchSchema {
  return SCHEMAS[value.trim().toLowerCase()] ?? "Thing";
}

export interface PairMetrics {
  threshold: number;
  n: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ScoredPairs {
  header: string[];
  rows: string[][];
  /** Present when the input had an is_match column. */
  metrics: PairMetrics | null;
}

function truthy(v: string): boolean {
  return /^(true|1|yes|y|t)$/i.test(v.trim());
}

export function metricsAt(scores: number[], labels: boolean[], threshold: number): PairMetrics {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  scores.forEach((s, k) => {
    const hit = s >= threshold;
    if (hit && labels[k]) tp++;
    else if (hit) fp++;
    else if (labels[k]) fn++;
    else tn++;
  });
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, n: scores.length, tp, fp, fn, tn, precision, recall, f1 };
}

/** Score every row of a pairs CSV; adds (or replaces) a `score` column. */
export function scorePairsCsv(text: string, threshold: number = DEFAULT_THRESHOLD): ScoredPairs {
  const all = parseCsv(text).filter((r) => r.length > 1 || (r.length === 1 && r[0] !== ""));
  if (all.length === 0) throw new Error("empty CSV");
  const header = all[0].map((h) => h.trim());
  const col = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
  const iSchema = col("schema");
  const i1 = col("name1");
  const i2 = col("name2");
  if (iSchema < 0 || i1 < 0 || i2 < 0) throw new Error("CSV needs the columns schema, name1 and name2");
  const iMatch = col("is_match");
  let iScore = col("score");
  const outHeader = header.slice();
  if (iScore < 0) {
    outHeader.push("score");
    iScore = outHeader.length - 1;
  }
  const scores: number[] = [];
  const labels: boolean[] = [];
  const rows = all.slice(1).map((r) => {
    const out = r.slice();
    while (out.length < header.length) out.push("");
    const s = scoreNames(r[i1] ?? "", r[i2] ?? "", { schema: schemaOf(r[iSchema] ?? "") }).score;
    out[iScore] = s.toFixed(3);
    scores.push(s);
    if (iMatch >= 0) labels.push(truthy(r[iMatch] ?? ""));
    return out;
  });
  return { header: outHeader, rows, metrics: iMatch >= 0 ? metricsAt(scores, labels, threshold) : null };
}
