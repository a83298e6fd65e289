// The far-caller model (issue 11): wraps a Worker's bindings so that every
// storage call waits the round trip a caller far from the D1 primary pays, and
// counts the call by kind. Used by the bench entry (bench/far-entry.ts, never
// deployed) with the delays below, and by test/round-trip-budget.test.ts with
// no delay at all (counting only), so the benchmark and the CI budget count
// the same way.
import { defaultLocationSeam, LOCATION_CACHE, type LocationCacheSeam } from "../src/cache/location-cache";
//
// The model: the Worker runs next to the caller; the D1 primary sits in one
// far region (every query sent to it is a full round trip); a read replica and
// the Cache API are in or near the caller's location; a Durable Object lives
// where it was first used (near the caller that created it, far from others).
// Only the request's own Worker is wrapped: what a Durable Object does with
// its own bindings happens in the object's location and off the request's path.

export interface DelayModel {
  /** A query or batch served by the D1 primary. */
  d1PrimaryMs: number;
  /** A read served by a D1 read replica (a Sessions API read). */
  d1ReplicaMs: number;
  /** An RPC to a Durable Object in the caller's region / outside it. */
  doNearMs: number;
  doFarMs: number;
  /** Workers KV and the Cache API (both served in the caller's location). */
  kvMs: number;
  cacheMs: number;
  /** An R2 call (a bucket lives in one region, like the D1 primary). */
  r2Ms: number;
  /** Durable Object bindings whose objects live outside the caller's region (e.g. ["RATE_LIMITER"]). */
  farDurableObjects: string[];
}

export const FAR_CALLER: DelayModel = {
  d1PrimaryMs: 100,
  d1ReplicaMs: 5,
  doNearMs: 2,
  doFarMs: 100,
  kvMs: 2,
  cacheMs: 2,
  r2Ms: 100,
  farDurableObjects: [],
};

/** Counting only (the CI budget test). */
export const NO_DELAY: DelayModel = { d1PrimaryMs: 0, d1ReplicaMs: 0, doNearMs: 0, doFarMs: 0, kvMs: 0, cacheMs: 0, r2Ms: 0, farDurableObjects: [] };

export type CallKind = "primary" | "replica" | "doNear" | "doFar" | "kv" | "cache" | "r2";

export interface Tally {
  /** D1 calls served by the primary (a batch is one call). */
  primary: number;
  /** Primary round trips one after the other on the request's path (calls that overlap count once). */
  primarySequential: number;
  replica: number;
  doNear: number;
  doFar: number;
  kv: number;
  cache: number;
  r2: number;
  /** Calls started after the response was handed back (ctx.waitUntil work): off the caller's path. */
  afterResponse: number;
}

export const storageCalls = (t: Tally) => t.primary + t.replica + t.doNear + t.doFar + t.kv + t.cache + t.r2;

const DELAY_OF: Record<CallKind, keyof DelayModel> = {
  primary: "d1PrimaryMs",
  replica: "d1ReplicaMs",
  doNear: "doNearMs",
  doFar: "doFarMs",
  kv: "kvMs",
  cache: "cacheMs",
  r2: "r2Ms",
};

/** One request's calls. */
export class Tracker {
  readonly tally: Tally = { primary: 0, primarySequential: 0, replica: 0, doNear: 0, doFar: 0, kv: 0, cache: 0, r2: 0, afterResponse: 0 };
  /** Set by the caller once the Worker returned its response. */
  responded = false;
  /** What each D1 session was opened with (a constraint or a bookmark), in order. */
  readonly sessions: (string | undefined)[] = [];
  /** Wall time spent in the real calls (after the modelled delay), ms by kind, on the request's path: where local time goes. */
  readonly spent: Record<CallKind, number> = { primary: 0, replica: 0, doNear: 0, doFar: 0, kv: 0, cache: 0, r2: 0 };
  private inflightPrimary = 0;

  constructor(readonly model: DelayModel) {}

  async call<T>(kind: CallKind, run: () => Promise<T>): Promise<T> {
    const onPath = !this.responded;
    const primary = onPath && kind === "primary";
    if (!onPath) this.tally.afterResponse++;
    else {
      this.tally[kind]++;
      if (primary && this.inflightPrimary === 0) this.tally.primarySequential++;
    }
    if (primary) this.inflightPrimary++;
    try {
      const ms = this.model[DELAY_OF[kind]] as number;
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      const t0 = performance.now();
      try {
        return await run();
      } finally {
        if (onPath) this.spent[kind] += performance.now() - t0;
      }
    } finally {
      if (primary) this.inflightPrimary--;
    }
  }
}

// ---- D1 -------------------------------------------------------------------

const WRITE = /^\s*(insert|update|delete|replace|create|drop|alter|pragma)\b/i;
const isWrite = (sql: string) => WRITE.test(sql) || /\b(insert\s+into|update\s+\S+\s+set|delete\s+from)\b/i.test(sql);

/** The real statement behind a wrapped one, so a batch can hand D1 its own objects. */
const realStatement = new WeakMap<object, D1PreparedStatement>();
const statementSql = new WeakMap<object, string>();

type Route = (sql: string) => CallKind;

function wrapStatement(real: D1PreparedStatement, sql: string, t: Tracker, route: Route): D1PreparedStatement {
  const run =
    <K extends "first" | "run" | "all" | "raw">(m: K) =>
    (...args: unknown[]) =>
      t.call(route(sql), () => (real[m] as (...a: unknown[]) => Promise<unknown>).apply(real, args));
  const wrapped = {
    bind: (...values: unknown[]) => wrapStatement(real.bind(...values), sql, t, route),
    first: run("first"),
    run: run("run"),
    all: run("all"),
    raw: run("raw"),
  } as unknown as D1PreparedStatement;
  realStatement.set(wrapped, real);
  statementSql.set(wrapped, sql);
  return wrapped;
}

function batchVia(
  t: Tracker,
  route: Route,
  batch: (s: D1PreparedStatement[]) => Promise<D1Result<unknown>[]>,
): D1Database["batch"] {
  return ((stmts: D1PreparedStatement[]) => {
    const sql = stmts.map((s) => statementSql.get(s) ?? "").join(";\n");
    const kind = stmts.some((s) => isWrite(statementSql.get(s) ?? "")) ? "primary" : route(sql);
    return t.call(kind, () => batch(stmts.map((s) => realStatement.get(s) ?? s)));
  }) as D1Database["batch"];
}

function wrapSession(real: D1DatabaseSession, constraint: string | undefined, t: Tracker): D1DatabaseSession {
  // "first-primary": the session's first query goes to the primary; after it
  // (and from any bookmark or "first-unconstrained") reads go to a replica that
  // has caught up with the session. Writes always go to the primary.
  let first = true;
  const route: Route = (sql) => {
    const kind: CallKind = isWrite(sql) || (first && constraint === "first-primary") ? "primary" : "replica";
    first = false;
    return kind;
  };
  return {
    prepare: (sql: string) => wrapStatement(real.prepare(sql), sql, t, route),
    batch: batchVia(t, route, (s) => real.batch(s)),
    getBookmark: () => real.getBookmark(),
  } as unknown as D1DatabaseSession;
}

export function wrapD1(real: D1Database, t: Tracker): D1Database {
  // Outside a session every query goes to the primary.
  const route: Route = () => "primary";
  return {
    prepare: (sql: string) => wrapStatement(real.prepare(sql), sql, t, route),
    batch: batchVia(t, route, (s) => real.batch(s)),
    exec: (sql: string) => t.call("primary", () => real.exec(sql)),
    withSession: (c?: string) => {
      t.sessions.push(c);
      return wrapSession(real.withSession(c), c, t);
    },
    dump: () => real.dump(),
  } as unknown as D1Database;
}

// ---- KV, R2, the Cache API ------------------------------------------------

function wrapMethods<T extends object>(real: T, methods: readonly string[], kind: CallKind, t: Tracker): T {
  return new Proxy(real, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (typeof v !== "function") return v;
      if (typeof prop === "string" && methods.includes(prop)) {
        return (...args: unknown[]) => t.call(kind, () => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      }
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

export const wrapKv = (real: KVNamespace, t: Tracker) => wrapMethods(real, ["get", "getWithMetadata", "put", "delete", "list"], "kv", t);
export const wrapR2 = (real: R2Bucket, t: Tracker) =>
  wrapMethods(real, ["head", "get", "put", "delete", "list", "createMultipartUpload"], "r2", t);
export const wrapCache = (real: Cache, t: Tracker) => wrapMethods(real, ["match", "put", "delete"], "cache", t);

// ---- Durable Objects --------------------------------------------------------

/** Property reads of a stub that are not RPC calls. */
const NOT_RPC = new Set(["then", "id", "name", "toJSON", "constructor"]);

function wrapStub<T extends object>(real: T, kind: CallKind, t: Tracker): T {
  return new Proxy(real, {
    get(target, prop) {
      if (typeof prop !== "string" || NOT_RPC.has(prop)) return Reflect.get(target, prop);
      return (...args: unknown[]) => t.call(kind, () => (Reflect.get(target, prop) as (...a: unknown[]) => Promise<unknown>)(...args));
    },
  });
}

export function wrapNamespace<T extends DurableObjectNamespace<any>>(real: T, far: boolean, t: Tracker): T {
  const kind: CallKind = far ? "doFar" : "doNear";
  return new Proxy(real, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (typeof v !== "function") return v;
      if (prop === "get" || prop === "getByName") {
        return (...args: unknown[]) => wrapStub((v as (...a: unknown[]) => object).apply(target, args), kind, t);
      }
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

// ---- the env ----------------------------------------------------------------

export interface FarEnvOptions {
  /**
   * The location's caches (src/cache/location-cache.ts) to count: by default
   * this isolate's memory and the default Cache API. `memory: null` leaves the
   * Cache API alone (a location with many isolates); another seam plays another location.
   */
  seam?: Partial<LocationCacheSeam>;
}

/**
 * A copy of `env` whose storage bindings go through `t`. Every binding of a
 * known kind is wrapped; vars, secrets and the symbols the tests inject are kept.
 */
export function farEnv(env: Env, t: Tracker, opts: FarEnvOptions = {}): Env {
  const out: Record<string | symbol, unknown> = { ...env };
  for (const [name, value] of Object.entries(env as unknown as Record<string, unknown>)) {
    if (typeof value !== "object" || value === null) continue;
    const v = value as Record<string, unknown>;
    if (typeof v.withSession === "function" && typeof v.prepare === "function") out[name] = wrapD1(value as D1Database, t);
    else if (typeof v.idFromName === "function") out[name] = wrapNamespace(value as DurableObjectNamespace, t.model.farDurableObjects.includes(name), t);
    else if (typeof v.head === "function" && typeof v.createMultipartUpload === "function") out[name] = wrapR2(value as R2Bucket, t);
    else if (typeof v.getWithMetadata === "function") out[name] = wrapKv(value as KVNamespace, t);
  }
  const seam = { ...defaultLocationSeam(), ...opts.seam };
  out[LOCATION_CACHE] = { ...seam, cache: seam.cache ? wrapCache(seam.cache, t) : null } satisfies LocationCacheSeam;
  return out as unknown as Env;
}

/** The delay model from vars (BENCH_D1_PRIMARY_MS, …), defaulting to FAR_CALLER. */
export function delayModelFrom(vars: Record<string, unknown>): DelayModel {
  const n = (name: string, fallback: number) => {
    const raw = vars[name];
    const v = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
    return Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  const far = typeof vars.BENCH_FAR_DO === "string" ? vars.BENCH_FAR_DO.split(",").map((s) => s.trim()).filter(Boolean) : [];
  return {
    d1PrimaryMs: n("BENCH_D1_PRIMARY_MS", FAR_CALLER.d1PrimaryMs),
    d1ReplicaMs: n("BENCH_D1_REPLICA_MS", FAR_CALLER.d1ReplicaMs),
    doNearMs: n("BENCH_DO_NEAR_MS", FAR_CALLER.doNearMs),
    doFarMs: n("BENCH_DO_FAR_MS", FAR_CALLER.doFarMs),
    kvMs: n("BENCH_KV_MS", FAR_CALLER.kvMs),
    cacheMs: n("BENCH_CACHE_MS", FAR_CALLER.cacheMs),
    r2Ms: n("BENCH_R2_MS", FAR_CALLER.r2Ms),
    farDurableObjects: far,
  };
}
