import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof drizzleOf>;

const instances = new WeakMap<object, ReturnType<typeof drizzleOf>>();
const drizzleOf = (d1: D1Database | D1DatabaseSession) => drizzle(d1 as D1Database, { schema });

/**
 * A D1 database or a Sessions API session (replica reads, src/http/middleware/d1-session.ts):
 * drizzle's D1 driver only calls `prepare` and `batch`, which a session has too.
 * One drizzle instance per binding (or session): building one walks the whole
 * schema, which a profile of POST /runs under load showed among the top costs
 * when every query site built its own. The instance holds no per-query state.
 */
export function createDb(d1: D1Database | D1DatabaseSession) {
  let db = instances.get(d1);
  if (!db) instances.set(d1, (db = drizzleOf(d1)));
  return db;
}

/**
 * `query` on `reads` (a request's replica session) and, when the replica has
 * nothing yet (a row written a moment ago), on the primary — once when `reads`
 * is the primary itself (a request without a session).
 */
export async function replicaThenPrimary<T>(reads: Db, primary: Db, query: (db: Db) => Promise<T | undefined | null>): Promise<T | undefined> {
  const found = await query(reads);
  if (found != null || reads === primary) return found ?? undefined;
  return (await query(primary)) ?? undefined;
}
