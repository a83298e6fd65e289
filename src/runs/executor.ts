// Calls one source through its adapter with a per-attempt timeout, bounded
// retries with exponential backoff and jitter, and a run-wide deadline. Turns
// every way a call can go wrong into a SourceResult with status ERROR and a
// reason: a source never throws past this function. What it returns is what
// the run persists, so it is also where each result is cut to its storage
// budget (src/domain/result-limits.ts), for sandbox and live sources alike.
import { capSourceResult } from "../domain/result-limits";
import type { AdapterAnswer, SourceResult, Subject, TemplateSource } from "../domain/types";
import { SOURCE_CATALOG, missingSubjectName, NO_SUBJECT_NAME_REASON } from "../sources/catalog";
import type { SourceAdapter } from "../sources/adapter";

export interface ExecutionPolicy {
  /** Attempts per source for retryable failures (≥ 1). */
  maxAttempts: number;
  /** First backoff; doubles each attempt, with ±50 % jitter. */
  retryBaseMs: number;
  /** Upper bound on any per-source timeout, whatever the template says. */
  maxTimeoutMs: number;
  /** Epoch ms after which no new attempt starts and pending ones are cut. */
  deadlineAt: number;
}

export interface ExecutionClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

export const realClock: ExecutionClock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(resolve, ms);
      signal?.addEventListener("abort", () => {
        clearTimeout(t);
        reject(signal.reason);
      });
    }),
};

class TimeoutReason extends Error {
  constructor(readonly ms: number) {
    super(`timeout after ${ms} ms`);
  }
}

/** Backoff before attempt n+1 (n ≥ 1): base·2^(n−1), jittered to [50 %, 100 %]. */
export function backoffMs(attempt: number, baseMs: number, random: () => number): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + random() / 2));
}

export interface ExecutionHooks {
  clock?: ExecutionClock;
  /** Aborts in-flight attempts and stops retrying (run cancelled). */
  cancel?: AbortSignal;
  /** Called before each attempt reaches the adapter (audit trail of calls). */
  onAttempt?: (attempt: number) => void;
}

export async function executeSource(
  entry: TemplateSource,
  subject: Subject,
  adapter: SourceAdapter,
  policy: ExecutionPolicy,
  { clock = realClock, cancel, onAttempt }: ExecutionHooks = {},
): Promise<SourceResult> {
  const source = SOURCE_CATALOG[entry.source];
  const startedAt = clock.now();
  let attempts = 0;
  let answer: AdapterAnswer = { status: "ERROR", reason: "Prazo da execução esgotado antes da consulta.", retryable: false };

  // A list screened by name cannot be asked without one: an empty query would
  // come back "no match", i.e. VALID for a subject nobody screened.
  const unscreenable = missingSubjectName(source, subject);
  if (unscreenable) answer = { status: "ERROR", reason: NO_SUBJECT_NAME_REASON, retryable: false };

  while (!unscreenable && attempts < Math.max(1, policy.maxAttempts)) {
    const remaining = policy.deadlineAt - clock.now();
    if (remaining <= 0) {
      if (attempts === 0) answer = { status: "ERROR", reason: "Prazo da execução esgotado antes da consulta.", retryable: false };
      break;
    }
    attempts += 1;
    onAttempt?.(attempts);
    answer = await attempt(adapter, source, subject, attempts, Math.min(entry.timeout_ms, policy.maxTimeoutMs, remaining), cancel);
    if (answer.status !== "ERROR" || !answer.retryable || attempts >= policy.maxAttempts || cancel?.aborted) break;

    const wait = Math.max(answer.retryAfterMs ?? 0, backoffMs(attempts, policy.retryBaseMs, clock.random));
    if (clock.now() + wait >= policy.deadlineAt) break; // a retry could not finish in time
    try {
      await clock.sleep(wait, cancel);
    } catch {
      break; // cancelled while waiting
    }
  }

  const completedAt = clock.now();
  const base = {
    source: entry.source,
    phase: entry.phase,
    attempts,
    duration_ms: Math.max(0, completedAt - startedAt),
    started_at: new Date(startedAt).toISOString(),
    completed_at: new Date(completedAt).toISOString(),
  };
  if (answer.status === "ERROR") {
    return capSourceResult({ ...base, status: "ERROR", checks: {}, reason: answer.reason, ...(answer.raw ? { raw: answer.raw } : {}) });
  }
  return capSourceResult({
    ...base,
    status: answer.status,
    checks: answer.checks,
    // A possible list match caps the decision's effect at review (decision.ts).
    ...(answer.status === "INVALID" && answer.possible_match === true ? { possible_match: true } : {}),
    ...(answer.data ? { data: answer.data } : {}),
    ...(answer.raw ? { raw: answer.raw } : {}),
  });
}

async function attempt(
  adapter: SourceAdapter,
  source: (typeof SOURCE_CATALOG)[keyof typeof SOURCE_CATALOG],
  subject: Subject,
  attemptNo: number,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<AdapterAnswer> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new TimeoutReason(timeoutMs)), timeoutMs);
  const signal = cancel ? AbortSignal.any([timeout.signal, cancel]) : timeout.signal;
  try {
    // Race the adapter against the signal too: an adapter that ignores its
    // signal must not hold the run past the timeout.
    return await Promise.race([
      adapter.query({ source, subject, signal, attempt: attemptNo }),
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason));
      }),
    ]);
  } catch (err) {
    if (timeout.signal.aborted) {
      return { status: "ERROR", reason: `Tempo limite de ${timeoutMs} ms excedido.`, retryable: true };
    }
    if (cancel?.aborted) return { status: "ERROR", reason: "Execução cancelada.", retryable: false };
    // An adapter bug is not the provider's fault: do not hammer it again.
    return { status: "ERROR", reason: "Falha inesperada ao consultar a fonte.", retryable: false };
  } finally {
    clearTimeout(timer);
  }
}
