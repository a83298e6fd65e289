// The one way a live adapter talks to a provider. Everything a provider can do
// wrong (redirect, wrong content type, oversize, truncated or malformed body,
// error statuses) becomes an ERROR answer with a precise pt-BR reason here, so
// an adapter only ever maps a well-formed JSON value.
//
// Aborts are not turned into answers: when the request's signal fires, the
// signal's reason is re-thrown so the executor can tell a timeout from a
// cancellation (src/runs/executor.ts).
import type { AdapterAnswer } from "../../domain/types";

export type ErrorAnswer = Extract<AdapterAnswer, { status: "ERROR" }>;

/** Largest provider body read (bytes). */
export const MAX_RESPONSE_BYTES = 256 * 1024;
/**
 * Largest prefix of a body kept in `raw` for /detail and the report. Its JSON
 * (escapes doubled at most for a JSON body) fits the stored-result budget of
 * `raw` (src/domain/result-limits.ts), which cuts anything longer.
 */
export const MAX_RAW_BYTES = 8 * 1024;
/** Longest Retry-After honoured; a provider cannot park a run for minutes. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Statuses worth another attempt (transient by definition). */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export interface SafeFetchOptions {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Non-2xx statuses the caller maps itself (e.g. Serpro 404/422). */
  passStatuses?: readonly number[];
  maxBytes?: number;
  rawBytes?: number;
  maxRetryAfterMs?: number;
  /** Clock for HTTP-date Retry-After values. */
  now?: () => number;
}

export type SafeFetchResult =
  /** 2xx with an application/json body that parsed. */
  | { kind: "json"; status: number; headers: Headers; json: unknown; raw: string }
  /** A status listed in `passStatuses`; body read (capped) but not parsed. */
  | { kind: "status"; status: number; headers: Headers; raw: string }
  | { kind: "error"; answer: ErrorAnswer };

const error = (reason: string, retryable: boolean, extra: Partial<ErrorAnswer> = {}): SafeFetchResult => ({
  kind: "error",
  answer: { status: "ERROR", reason, retryable, ...extra },
});

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date, clamped to
 * [0, max]. Undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, now: number, maxMs = MAX_RETRY_AFTER_MS): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
  let ms: number;
  if (/^\d+$/.test(v)) {
    ms = Number(v) * 1000;
  } else {
    // An HTTP date always names a day/month; this also keeps Date.parse from
    // reading "-1" as a year.
    if (!/[a-z]{3}/i.test(v)) return undefined;
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(maxMs, Math.max(0, Math.round(ms)));
}

/** Media type of a Content-Type header, lower case, parameters dropped. */
function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

/** A header value safe to quote in a reason: printable ASCII, short. */
function quote(value: string): string {
  const v = value.replace(/[^\x20-\x7e]/g, "?");
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("aborted", "AbortError");
}

type BodyRead =
  | { ok: true; bytes: Uint8Array }
  /** `bytes`: what was read before giving up (at most `cap`), for `raw`. */
  | { ok: false; why: "oversize" | "broken"; received: number; bytes: Uint8Array };

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.byteLength;
  }
  return bytes;
}

/** Reads at most `cap` bytes; stops (and cancels the stream) past the cap. */
async function readCapped(res: Response, cap: number, signal: AbortSignal): Promise<BodyRead> {
  if (!res.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > cap) {
        reader.cancel().catch(() => {});
        chunks.push(value.subarray(0, cap - kept));
        return { ok: false, why: "oversize", received, bytes: concat(chunks, cap) };
      }
      chunks.push(value);
      kept = received;
    }
  } catch (err) {
    if (signal.aborted) throw abortReason(signal);
    void err;
    reader.cancel().catch(() => {});
    return { ok: false, why: "broken", received, bytes: concat(chunks, kept) };
  }
  return { ok: true, bytes: concat(chunks, kept) };
}

/** The first `max` bytes as text (a cut multi-byte char becomes U+FFFD). */
export function rawPrefix(bytes: Uint8Array, max = MAX_RAW_BYTES): string {
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes.subarray(0, max));
}

/** Best-effort read of an error body's first `rawBytes`, for `raw` only. */
async function readRawQuietly(res: Response, rawBytes: number, signal: AbortSignal): Promise<string | undefined> {
  try {
    const body = await readCapped(res, rawBytes, signal);
    return body.bytes.byteLength ? rawPrefix(body.bytes, rawBytes) : undefined;
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}

function discard(res: Response) {
  res.body?.cancel().catch(() => {});
}

export async function safeFetchJson(
  fetchFn: typeof fetch,
  url: string,
  opts: SafeFetchOptions,
): Promise<SafeFetchResult> {
  const { signal } = opts;
  const maxBytes = opts.maxBytes ?? MAX_RESPONSE_BYTES;
  const rawBytes = Math.min(opts.rawBytes ?? MAX_RAW_BYTES, maxBytes);
  const now = opts.now ?? Date.now;

  let res: Response;
  try {
    res = await fetchFn(url, {
      method: opts.method,
      headers: opts.headers,
      body: opts.body,
      // Never follow: a redirect could send the subject's document (and our
      // credential) to a host nobody configured.
      redirect: "manual",
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw abortReason(signal);
    void err;
    return error("Falha de rede ao contatar o provedor (sem resposta HTTP).", true);
  }

  const status = res.status;
  const http = `HTTP ${status}`;

  // `opaqueredirect` (status 0) is what a spec-compliant fetch gives for a
  // manual redirect in browsers; workerd and Node hand back the real 3xx.
  if ((res.type as string) === "opaqueredirect" || (status >= 300 && status < 400)) {
    discard(res);
    return error(`O provedor respondeu com redirecionamento (${status ? http : "HTTP 3xx"}); redirecionamento não seguido.`, false);
  }
  if (status === 401 || status === 403) {
    const raw = await readRawQuietly(res, rawBytes, signal);
    return error(`Credencial recusada pelo provedor (${http}).`, false, raw ? { raw } : {});
  }
  if (opts.passStatuses?.includes(status)) {
    const raw = (await readRawQuietly(res, rawBytes, signal)) ?? "";
    return { kind: "status", status, headers: res.headers, raw };
  }
  if (RETRYABLE_STATUSES.has(status)) {
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), now(), opts.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS);
    const raw = await readRawQuietly(res, rawBytes, signal);
    const what =
      status === 429
        ? "Limite de requisições do provedor excedido"
        : status === 408 || status === 504
          ? "Tempo esgotado no provedor"
          : "Provedor indisponível";
    return error(`${what} (${http}).`, true, {
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(raw ? { raw } : {}),
    });
  }
  if (status < 200 || status >= 300) {
    const raw = await readRawQuietly(res, rawBytes, signal);
    return error(`Status HTTP inesperado do provedor (${http}).`, false, raw ? { raw } : {});
  }

  const type = mediaType(res.headers.get("content-type"));
  if (type !== "application/json") {
    discard(res);
    const got = type ? quote(type) : "ausente";
    return error(`Tipo de conteúdo inesperado na resposta do provedor (${http}): esperado application/json, recebido ${got}.`, false);
  }

  const declared = res.headers.get("content-length");
  const declaredLen = declared !== null && /^\d+$/.test(declared.trim()) ? Number(declared.trim()) : undefined;
  if (declaredLen !== undefined && declaredLen > maxBytes) {
    discard(res);
    return error(`Resposta do provedor excede o limite de ${maxBytes} bytes (${http}; declarados ${declaredLen}).`, false);
  }

  const body = await readCapped(res, maxBytes, signal);
  if (!body.ok) {
    const partial = body.bytes.byteLength ? { raw: rawPrefix(body.bytes, rawBytes) } : {};
    if (body.why === "oversize") {
      return error(`Resposta do provedor excede o limite de ${maxBytes} bytes (${http}).`, false, partial);
    }
    // The connection dropped mid-body: transient, worth another attempt.
    return error(`Resposta do provedor truncada: conexão interrompida após ${body.received} bytes (${http}).`, true, partial);
  }
  const bytes = body.bytes;
  const raw = rawPrefix(bytes, rawBytes);
  if (declaredLen !== undefined && bytes.byteLength < declaredLen) {
    return error(`Resposta do provedor truncada: recebidos ${bytes.byteLength} de ${declaredLen} bytes (${http}).`, true, raw ? { raw } : {});
  }
  if (bytes.byteLength === 0) return error(`Resposta vazia do provedor (${http}).`, false);

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return error(`Resposta do provedor não é UTF-8 válido (${http}).`, false, { raw });
  }
  if (text.trim() === "") return error(`Resposta vazia do provedor (${http}).`, false, { raw });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return error(`JSON malformado na resposta do provedor (${http}).`, false, { raw });
  }
  return { kind: "json", status, headers: res.headers, json, raw };
}

/**
 * A zod issue list as a short pt-BR-friendly suffix: paths only, never
 * values (a value could be the subject's document or name).
 */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const paths = issues.slice(0, 3).map((i) => (i.path.length ? i.path.map(String).join(".") : "(raiz)"));
  const more = issues.length > 3 ? ` e mais ${issues.length - 3}` : "";
  return `${paths.join(", ")}${more}`;
}
