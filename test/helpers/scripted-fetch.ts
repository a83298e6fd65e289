// A scripted stand-in for `fetch`: the adapters under test get it injected,
// nothing reaches the network. Each route (exact URL, URL prefix ending in
// "*", or RegExp) has a sequence of steps; each call consumes the next step
// and the last one repeats. Every call is recorded with its method, headers,
// body, redirect mode and signal. Unscripted URLs throw (and are recorded),
// so a test sees a wrong URL as a network failure plus a recorded call.

export type Step = (req: Request, signal: AbortSignal | undefined) => Promise<Response> | Response;

export interface RecordedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  redirect: string | undefined;
  signal: AbortSignal | undefined;
  at: number;
}

type Matcher = string | RegExp;

export interface ScriptedFetch {
  fetch: typeof fetch;
  calls: RecordedCall[];
  /** Scripts a route; later calls to `on` for the same matcher replace it. */
  on(matcher: Matcher, ...steps: Step[]): ScriptedFetch;
  /** Calls whose URL matches. */
  callsTo(matcher: Matcher): RecordedCall[];
}

const matches = (m: Matcher, url: string) =>
  typeof m === "string" ? (m.endsWith("*") ? url.startsWith(m.slice(0, -1)) : url === m) : m.test(url);

/** Rejects like a real fetch when `signal` fires (with the signal's reason). */
function abortable<T>(signal: AbortSignal | undefined, work: (done: (v: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const cleanup = work((v) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(v);
    });
    function onAbort() {
      cleanup();
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function scriptedFetch(): ScriptedFetch {
  const routes: { matcher: Matcher; steps: Step[]; next: number }[] = [];
  const calls: RecordedCall[] = [];

  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input as RequestInfo, init as RequestInit);
    const signal = init?.signal ?? undefined;
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    calls.push({
      url: req.url,
      method: req.method,
      headers,
      body: init?.body === undefined || init.body === null ? null : String(init.body),
      redirect: init?.redirect,
      signal: signal ?? undefined,
      at: Date.now(),
    });
    const route = routes.find((r) => matches(r.matcher, req.url));
    if (!route) throw new TypeError(`scripted fetch: no script for ${req.method} ${req.url}`);
    const step = route.steps[Math.min(route.next, route.steps.length - 1)];
    route.next += 1;
    if (signal?.aborted) throw signal.reason;
    return step(req, signal);
  }) as typeof fetch;

  const api: ScriptedFetch = {
    fetch: fetchFn,
    calls,
    on(matcher, ...steps) {
      if (steps.length === 0) throw new Error("scripted fetch: a route needs at least one step");
      const i = routes.findIndex((r) => String(r.matcher) === String(matcher));
      const route = { matcher, steps, next: 0 };
      if (i >= 0) routes[i] = route;
      else routes.push(route);
      return api;
    },
    callsTo(matcher) {
      return calls.filter((c) => matches(matcher, c.url));
    },
  };
  return api;
}

// ── steps ────────────────────────────────────────────────────────────────

export const jsonResponse =
  (body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Step =>
  () =>
    new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status: init.status ?? 200,
      headers: { "content-type": "application/json; charset=utf-8", ...init.headers },
    });

export const textResponse =
  (body: string | null, init: { status?: number; headers?: Record<string, string> } = {}): Step =>
  () =>
    new Response(body, { status: init.status ?? 200, headers: init.headers });

export const statusResponse = (status: number, headers: Record<string, string> = {}, body: string | null = null): Step =>
  textResponse(body, { status, headers });

/** Never answers; rejects with the signal's reason when it fires. */
export const hang = (): Step => (_req, signal) => abortable<Response>(signal, () => () => {});

/** Answers with `step` after `ms`, unless aborted first. */
export const delayed =
  (ms: number, step: Step): Step =>
  (req, signal) =>
    abortable<Response>(signal, (done) => {
      const t = setTimeout(() => done(step(req, signal) as Response), ms);
      return () => clearTimeout(t);
    }).then((r) => r);

/** The connection fails before any response. */
export const networkError = (): Step => () => {
  throw new TypeError("Network connection lost.");
};

export interface StreamStats {
  /** Bytes handed to the reader so far. */
  enqueued: number;
  cancelled: boolean;
}

/**
 * A JSON-typed body that sends `prefix` and then breaks (the connection drops
 * mid-body).
 */
export const brokenBody =
  (prefix: string, headers: Record<string, string> = {}): Step =>
  () => {
    const bytes = new TextEncoder().encode(prefix);
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(bytes);
        } else {
          controller.error(new TypeError("Network connection lost."));
        }
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/json", ...headers } });
  };

/**
 * An endless-looking JSON-typed body of `totalBytes`, streamed in `chunk`-byte
 * pieces on demand; `stats` tells how much the reader actually pulled.
 */
export function hugeBody(totalBytes: number, chunk = 16 * 1024, headers: Record<string, string> = {}): { step: Step; stats: StreamStats } {
  const stats: StreamStats = { enqueued: 0, cancelled: false };
  const step: Step = () => {
    const piece = new Uint8Array(chunk).fill(0x20); // spaces: valid JSON whitespace
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (stats.enqueued >= totalBytes) return controller.close();
        const n = Math.min(chunk, totalBytes - stats.enqueued);
        stats.enqueued += n;
        controller.enqueue(piece.slice(0, n));
      },
      cancel() {
        stats.cancelled = true;
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/json", ...headers } });
  };
  return { step, stats };
}
