// The transports the test Worker (test/worker.ts) injects into its Durable
// Objects. This is the only mutable seam, and it lives in test code: a test
// scripts providers or webhook receivers by changing these objects, which the
// objects read at each call (tests and Durable Objects share one isolate).
import type { EngineSearchOptions, SearchQuery } from "../../src/screening/client";
import type { ListsTransport } from "../../src/screening/ingest";
import type { LiveTransport } from "../../src/sources/resolve";
import type { WebhookTransport } from "../../src/webhooks/transport";
import type { MonitoringMessage, MonitoringTransport } from "../../src/monitoring/messages";

/** A fetch that fails like a dead network: tests never reach the real one. */
export const networkDisabled = (what: string): typeof fetch =>
  (async (input: RequestInfo | URL) => {
    throw new TypeError(`network disabled in tests (${what} to ${String(input instanceof Request ? input.url : input)})`);
  }) as typeof fetch;

/**
 * Live adapters' transport in the test Worker. Tests assign `fetch` (scripted
 * providers) and `extraConfig` (provider URLs and tokens the pool's env lacks);
 * `resetLiveTransport` puts the defaults back.
 */
export const liveTransport: LiveTransport = { fetch: networkDisabled("live source"), extraConfig: {} };

export function resetLiveTransport(): void {
  liveTransport.fetch = networkDisabled("live source");
  liveTransport.extraConfig = {};
}

/** Webhook transport overrides in the test Worker (over the production defaults of src/webhooks/transport.ts). */
export const webhookOverrides: Partial<WebhookTransport> = {};

/** Replaces every override (null: none, i.e. the production defaults). */
export function setWebhookTransportForTests(t: Partial<WebhookTransport> | null): void {
  for (const k of Object.keys(webhookOverrides)) delete webhookOverrides[k as keyof WebhookTransport];
  Object.assign(webhookOverrides, t ?? {});
}

/**
 * List downloads in the test Worker (ListIngest objects). Tests assign `fetch`
 * (files served from test/fixtures/lists) and `limits` (small steps, and an
 * hour between steps so the test drives each alarm itself).
 */
export const listsTransport: ListsTransport = { fetch: networkDisabled("list download") };

export function resetListsTransport(): void {
  listsTransport.fetch = networkDisabled("list download");
  delete listsTransport.limits;
  delete listsTransport.onVersionCurrent;
  listsStorageFaults.readErrors = 0;
  listsDbFaults.dieAfterSwitch = false;
}

/**
 * Each ListIngest object's state by id (test/worker.ts records it as the
 * object is built), so a test can kill an object the way its isolate dies
 * mid-step (out of memory or CPU): `state.abort()` drops the instance and
 * whatever it was doing; the next alarm runs on a fresh one.
 */
export const listIngestStates = new Map<string, DurableObjectState>();

/**
 * Faults in the ListIngest objects' reads of their stored files: the next
 * `readErrors` reads that go past `afterBytes` bytes of a body break off
 * there, like a connection to R2 dropped mid-file.
 */
export const listsStorageFaults = { readErrors: 0, afterBytes: 0 };

function breakingAfter(body: ReadableStream<Uint8Array>, afterBytes: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await reader.read();
      if (r.done) return controller.close();
      if (sent + r.value.length > afterBytes && listsStorageFaults.readErrors > 0) {
        listsStorageFaults.readErrors--;
        controller.enqueue(r.value.subarray(0, afterBytes - sent));
        await reader.cancel().catch(() => undefined);
        controller.error(new Error("injected: connection to R2 lost"));
        return;
      }
      sent += r.value.length;
      controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The REPORTS bucket as ListIngest objects see it in tests: the real one, with `listsStorageFaults` applied to reads. */
export function withListsStorageFaults(bucket: R2Bucket): R2Bucket {
  const get = async (key: string, options?: R2GetOptions) => {
    const obj = await bucket.get(key, options);
    if (!obj || listsStorageFaults.readErrors <= 0) return obj;
    const body = breakingAfter(obj.body, listsStorageFaults.afterBytes);
    return new Proxy(obj, { get: (target, prop) => (prop === "body" ? body : Reflect.get(target, prop)) });
  };
  return new Proxy(bucket, {
    get(target, prop) {
      if (prop === "get") return get;
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Each RunObject's state by id (test/worker.ts records it as the object is
 * built), so a test can kill a run's object mid-alarm the way an eviction or a
 * runtime restart does: `state.abort()` drops the instance and whatever it was
 * awaiting; the next alarm runs on a fresh one, from what storage holds.
 */
export const runObjectStates = new Map<string, DurableObjectState>();

/**
 * A hook on the list searches the run objects send to the engine (ENGINE.searchLists):
 * called before each one reaches the engine; it may record the query, kill the object or throw.
 */
export const engineSearches: { before?: (q: SearchQuery, opts: EngineSearchOptions) => void | Promise<void> } = {};

export function resetEngineSearches(): void {
  delete engineSearches.before;
}

/** The ENGINE binding as run objects see it in tests: the real one, with `engineSearches.before` called first. */
export function withEngineSearchHook(engine: Env["ENGINE"]): Env["ENGINE"] {
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === "searchLists") {
        return async (q: SearchQuery, opts: EngineSearchOptions) => {
          await engineSearches.before?.(q, opts);
          return target.searchLists(q, opts);
        };
      }
      // Every other method goes to the real binding as it is (an RPC stub has no `bind` of its own).
      return (...args: unknown[]) => (target as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>)[prop](...args);
    },
  });
}

/**
 * Faults in the ListIngest objects' D1 writes: with `dieAfterSwitch` set, the
 * isolate dies right after a version switch lands in D1 (the batch committed,
 * the object never learns it), the way an eviction or a crash would.
 */
export const listsDbFaults = { dieAfterSwitch: false };

/** The D1 binding as ListIngest objects see it in tests: the real one, with `listsDbFaults` applied to the version switch. */
export function withListsDbFaults(db: D1Database, state: DurableObjectState): D1Database {
  const sqlOf = new WeakMap<object, string>();
  // A statement's SQL, remembered through bind() (which returns a new statement).
  const prepare = (sql: string) => {
    const stmt = db.prepare(sql);
    const bind = stmt.bind;
    stmt.bind = (...values: unknown[]) => {
      const bound = bind.apply(stmt, values);
      sqlOf.set(bound, sql);
      return bound;
    };
    sqlOf.set(stmt, sql);
    return stmt;
  };
  const batch = async <T>(statements: D1PreparedStatement[]) => {
    const out = await db.batch<T>(statements);
    const switching = statements.some((st) => /^\s*UPDATE screening_lists SET status = 'ready', current_sha256/.test(sqlOf.get(st) ?? ""));
    if (switching && listsDbFaults.dieAfterSwitch) {
      listsDbFaults.dieAfterSwitch = false;
      state.abort("injected: the isolate died after the switch");
    }
    return out;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return prepare;
      if (prop === "batch") return batch;
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Monitoring queue messages sent in the test Worker (src/monitoring/messages.ts
 * MONITORING_TRANSPORT): recorded, not delivered, so a test hands each to the
 * consumer itself (test/helpers/monitoring.ts drainMonitoring) and no consumer
 * runs in the background of another test. test/monitoring-queue.test.ts goes
 * through the real queue instead.
 */
export const monitoringSent: MonitoringMessage[] = [];
/** Cloudflare Queues' sendBatch limits (developers.cloudflare.com/queues/platform/limits), enforced as the real binding does. */
export const QUEUE_LIMITS = { messagesPerBatch: 100, batchBytes: 256_000, messageBytes: 128_000 };
export const monitoringTransport: MonitoringTransport = {
  async sendBatch(messages) {
    if (monitoringFaults.sendFails > 0) {
      monitoringFaults.sendFails--;
      throw new Error("injected: queue send failed");
    }
    const sizes = messages.map((m) => new TextEncoder().encode(JSON.stringify(m.body)).length);
    if (messages.length > QUEUE_LIMITS.messagesPerBatch) throw new Error(`batch message count of ${messages.length} exceeds limit of ${QUEUE_LIMITS.messagesPerBatch}`);
    if (Math.max(0, ...sizes) > QUEUE_LIMITS.messageBytes) throw new Error(`message length of ${Math.max(...sizes)} bytes exceeds limit of ${QUEUE_LIMITS.messageBytes}`);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total > QUEUE_LIMITS.batchBytes) throw new Error(`batch size of ${total} bytes exceeds limit of ${QUEUE_LIMITS.batchBytes}`);
    monitoringSent.push(...messages.map((m) => m.body));
  },
};
export const monitoringFaults = { sendFails: 0 };
