// How much of one source's answer a run keeps. A run's stored result (D1
// `runs.result`, and the run object's SQLite rows) is one value, and D1 and
// Durable Object SQLite refuse a string or row over 2 MB; providers may answer
// up to 256 KiB each (src/sources/live/http.ts), and a PF run calls 16 of them.
// So every source result is capped before it is persisted: `data` to a
// per-source budget, `raw` (already a prefix of the body) to a budget of its
// serialized size, `reason` to a fixed length.
//
// Why the bound holds. Of one source, the stored result holds `data` (≤ D),
// `raw` (≤ R), and the analysis copies parts of `data` again: the evidence of
// its findings (≤ D: per-check key sets are disjoint), their descriptions (a
// couple of strings of `data`, ≤ D) and, for the identity source, the subject
// profile (≤ D). The final CPF redaction can lengthen text by at most 14/11
// (a bare CPF becomes ***.456.789-**). With D = 8 KiB, R = 16 KiB and
// D = 32 KiB for receita_federal_cnpj (the QSA), a run of all 17 catalogue
// sources stores at most (4·32 + 16 + 16·(3·8 + 16)) KiB · 14/11 ≈ 1 MiB plus
// a few KiB of run body and snapshot — half the platform limit. A PF run (16
// sources) or a PJ run (12) stays well below that.
//
// Pure: no I/O. Deterministic: the same answer is always cut the same way.
import type { SourceKey, SourceResult } from "./types";

/** Default budget of one source's `data`, in UTF-8 bytes of its JSON. */
export const SOURCE_DATA_BUDGET_BYTES = 8 * 1024;

/** Sources whose data the domain needs more of: the QSA of a company (partners, names). */
export const SOURCE_DATA_BUDGETS: Readonly<Partial<Record<SourceKey, number>>> = {
  receita_federal_cnpj: 32 * 1024,
};

/** Budget of `raw`, in UTF-8 bytes of its JSON (escapes counted): control characters cost 6 bytes each. */
export const RAW_JSON_BUDGET_BYTES = 16 * 1024;

/** Longest `reason` kept (characters). Adapters write short ones; this bounds a bug. */
export const MAX_REASON_CHARS = 500;

/** Marker set on a `data` that was cut to its budget. */
export const TRUNCATED_MARKER = "_truncated";

export const dataBudget = (source: SourceKey): number => SOURCE_DATA_BUDGETS[source] ?? SOURCE_DATA_BUDGET_BYTES;

const encoder = new TextEncoder();

/** Size of `value` as stored: UTF-8 bytes of its JSON. */
export const jsonBytes = (value: unknown): number => encoder.encode(JSON.stringify(value) ?? "").byteLength;

const ELLIPSIS = "…";

/** The first `n` UTF-16 units of `s` without splitting a surrogate pair. */
const prefix = (s: string, n: number): string => {
  if (s.length <= n) return s;
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
};

const cutString = (s: string, n: number): string => (s.length > n ? prefix(s, n) + ELLIPSIS : s);

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** defineProperty, not assignment: a provider key named "__proto__" must stay data. */
const setOwn = (obj: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
};

interface Limits {
  /** Longest string (and object key), in UTF-16 units. */
  str: number;
  /** Most items kept of an array, and keys of an object. */
  items: number;
}

/** Nesting kept at all; the analysis reads at most 8 levels of evidence. */
const MAX_DEPTH = 16;

const shrink = (v: unknown, lim: Limits, depth = 0): unknown => {
  if (typeof v === "string") return cutString(v, lim.str);
  if (v === null || typeof v !== "object") return v;
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(v)) return v.slice(0, lim.items).map((x) => shrink(x, lim, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).slice(0, lim.items)) setOwn(out, cutString(k, lim.str), shrink((v as Record<string, unknown>)[k], lim, depth + 1));
  return out;
};

/**
 * Ever tighter cuts, tried in order until the data fits. Strings shrink before
 * lists do, so the lengths the analysis counts (mandados, processos) survive as
 * long as possible.
 */
const LADDER: readonly Limits[] = [
  { str: 1024, items: Infinity },
  { str: 256, items: Infinity },
  { str: 128, items: Infinity },
  { str: 128, items: 256 },
  { str: 128, items: 64 },
  { str: 64, items: 16 },
  { str: 32, items: 4 },
  { str: 16, items: 1 },
];

/**
 * Top-level keys the domain reads (analysis profile, evidence and
 * descriptions; the run object's subject name): kept ahead of everything else,
 * lightly cut, when a source's data is over its budget.
 */
const PROTECTED_KEYS: Readonly<Partial<Record<SourceKey, readonly string[]>>> = {
  receita_federal_cpf: ["nome", "nome_confere", "situacao_cadastral", "situacao_codigo", "obito", "data_nascimento"],
  receita_federal_cnpj: ["razao_social", "nome_fantasia", "situacao_cadastral", "data_abertura", "cnae_principal", "qsa"],
  pep_coaf: ["cargo", "orgao", "inicio_exercicio", "fim_exercicio", "fim_carencia", "registros"],
  sit_trabalho_escravo: ["ano_acao_fiscal", "uf", "trabalhadores_envolvidos", "inclusao_cadastro"],
  protestos: ["quantidade", "valor_total"],
};

const PROTECTED_LIMITS: Limits = { str: 512, items: 8 };
/** The fields of a QSA entry the domain reads (partners.ts `qsaOf`, analysis). */
const QSA_FIELDS = ["nome", "documento", "tipo", "qualificacao"] as const;
const QSA_STR = 256;

/**
 * The QSA within `budget` bytes: whole when it fits; else each entry reduced
 * to the fields the domain reads, in QSA order, as many entries as fit.
 */
const capQsa = (qsa: unknown, budget: number): { value: unknown; total?: number } => {
  if (!Array.isArray(qsa)) return { value: shrink(qsa, PROTECTED_LIMITS) };
  if (jsonBytes(qsa) <= budget) return { value: qsa };
  const kept: unknown[] = [];
  let size = 2; // []
  for (const entry of qsa) {
    let slim: unknown = null;
    if (isRecord(entry)) {
      const o: Record<string, unknown> = {};
      for (const f of QSA_FIELDS) if (Object.hasOwn(entry, f)) setOwn(o, f, shrink(entry[f], { str: QSA_STR, items: 1 }));
      slim = o;
    }
    const add = jsonBytes(slim) + 1;
    if (size + add > budget) break;
    size += add;
    kept.push(slim);
  }
  return kept.length < qsa.length ? { value: kept, total: qsa.length } : { value: kept };
};

/**
 * `data` within `budget` UTF-8 bytes of JSON: unchanged when it fits;
 * otherwise the protected keys of the source first, every other key cut by the
 * first step of the ladder that fits, and `_truncated: true` (plus `qsa_total`
 * when QSA entries were dropped). Keys keep their original order.
 */
export function capSourceData(source: SourceKey, data: Record<string, unknown>, budget = dataBudget(source)): Record<string, unknown> {
  if (jsonBytes(data) <= budget) return data;
  const keys = Object.keys(data);
  const protectedKeys = new Set(PROTECTED_KEYS[source] ?? []);
  const kept = new Map<string, unknown>();
  const extra: Record<string, unknown> = {};
  for (const k of keys) {
    if (!protectedKeys.has(k)) continue;
    if (k === "qsa") {
      const q = capQsa(data[k], Math.floor((budget * 3) / 4));
      kept.set(k, q.value);
      if (q.total !== undefined) extra.qsa_total = q.total;
    } else {
      kept.set(k, shrink(data[k], PROTECTED_LIMITS));
    }
  }
  const assemble = (rest: Limits | null): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      if (kept.has(k)) setOwn(out, k, kept.get(k));
      else if (rest) setOwn(out, cutString(k, rest.str), shrink(data[k], rest));
    }
    setOwn(out, TRUNCATED_MARKER, true);
    for (const [k, v] of Object.entries(extra)) setOwn(out, k, v);
    return out;
  };
  for (const step of LADDER) {
    const candidate = assemble(step);
    if (jsonBytes(candidate) <= budget) return candidate;
  }
  const essentials = assemble(null);
  return jsonBytes(essentials) <= budget ? essentials : { [TRUNCATED_MARKER]: true };
}

/** `raw` cut so that its JSON takes at most `budget` UTF-8 bytes (it is a prefix of the body anyway). */
export function capRaw(raw: string, budget = RAW_JSON_BUDGET_BYTES): string {
  if (jsonBytes(raw) <= budget) return raw;
  // Longest prefix that fits: the size grows with the prefix, so bisect.
  let lo = 0;
  let hi = raw.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonBytes(prefix(raw, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return prefix(raw, lo);
}

/** One source result as it may be persisted: data, raw and reason within their budgets. */
export function capSourceResult(result: SourceResult): SourceResult {
  const out: SourceResult = { ...result };
  if (out.data !== undefined) out.data = capSourceData(result.source, out.data);
  if (out.raw !== undefined) out.raw = capRaw(out.raw);
  if (out.reason !== undefined) out.reason = cutString(out.reason, MAX_REASON_CHARS);
  return out;
}
