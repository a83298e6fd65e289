// A D1 read replica that lags, faked at the Sessions API seam (env.DB.withSession).
// `freeze()` copies the chosen tables as they are now into `<table>_lag` tables
// and notes the primary's position (a bookmark). From then on, a session that
// starts unconstrained, or from a bookmark not newer than that position, is
// served by the lagging replica: its reads of those tables see the copies.
// A session opened at a newer bookmark is served fresh (D1 waits for a replica
// that has caught up, or uses the primary), and so is a session after its own
// write. Writes always reach the real database. Its bookmark is the replica's
// position until it reads fresh or writes.
const WRITE = /^\s*(insert|update|delete|replace)\b/i;

export interface LaggingReplica {
  env: Env;
  /** The replica's position: the primary's bookmark when it froze. */
  position: string;
}

/** Bookmarks compare as text: their first groups are fixed-width hex positions. */
const newer = (a: string, b: string) => a.slice(0, 26) > b.slice(0, 26);

export async function laggingReplica(base: Env, tables: string[]): Promise<LaggingReplica> {
  for (const t of tables) {
    await base.DB.prepare(`DROP TABLE IF EXISTS "${t}_lag"`).run();
    await base.DB.prepare(`CREATE TABLE "${t}_lag" AS SELECT * FROM "${t}"`).run();
  }
  const probe = base.DB.withSession("first-primary");
  await probe.prepare("SELECT 1").first();
  const position = probe.getBookmark()!;
  const stale = (sql: string) => tables.reduce((q, t) => q.replaceAll(`"${t}"`, `"${t}_lag"`), sql);

  const withSession = (constraint?: string) => {
    const real = base.DB.withSession(constraint);
    let fresh = !!constraint && constraint !== "first-unconstrained" && constraint !== "first-primary" && newer(constraint, position);
    if (constraint === "first-primary") fresh = true;
    let servedStale = false;
    const prepare = (sql: string) => {
      if (WRITE.test(sql)) {
        fresh = true;
        return real.prepare(sql);
      }
      if (fresh) return real.prepare(sql);
      servedStale = true;
      return real.prepare(stale(sql));
    };
    return {
      prepare,
      batch: (stmts: D1PreparedStatement[]) => real.batch(stmts),
      getBookmark: () => (fresh ? real.getBookmark() : servedStale || !constraint?.includes("-") ? position : constraint),
    } as unknown as D1DatabaseSession;
  };
  const db = {
    prepare: (sql: string) => base.DB.prepare(sql),
    batch: (stmts: D1PreparedStatement[]) => base.DB.batch(stmts),
    exec: (sql: string) => base.DB.exec(sql),
    withSession,
    dump: () => base.DB.dump(),
  } as unknown as D1Database;
  return { env: { ...base, DB: db }, position };
}
