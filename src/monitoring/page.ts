// The newest-first pages of monitoring's lists (subjects, alerts, imports):
// keyset on (created_at, id) descending with signed cursors, as runs' lists.
import { sql, type SQL } from "drizzle-orm";
import { keysetPage, positionAfter } from "../lib/cursor";
import type { Services } from "../runs/service";

export interface PageQuery {
  cursor?: string;
  limit: number;
}

/**
 * One page of `from` (a table with its alias, e.g. `monitored_subjects s`)
 * for the caller's tenant and environment, narrowed by `where`, each row shown
 * through `view`. An unreadable cursor (or another tenant's) → invalid_cursor.
 */
export async function newestFirstPage<R extends { created_at: string; id: string }, V>(
  s: Services,
  q: PageQuery,
  from: { select: SQL; table: string; alias: string },
  where: SQL[],
  view: (row: R) => V,
) {
  const owner = { tenantId: s.auth.tenantId, livemode: s.auth.livemode };
  const after = await positionAfter(s.env.SERVER_SECRET, owner, q.cursor);
  const a = sql.raw(from.alias);
  const conds = [sql`${a}.tenant_id = ${owner.tenantId}`, sql`${a}.livemode = ${owner.livemode ? 1 : 0}`, ...where];
  if (after) conds.push(sql`(${a}.created_at < ${after.createdAt} OR (${a}.created_at = ${after.createdAt} AND ${a}.id < ${after.id}))`);
  const rows = await s.db.all<R>(
    sql`SELECT ${from.select} FROM ${sql.raw(`${from.table} ${from.alias}`)} WHERE ${sql.join(conds, sql` AND `)} ORDER BY ${a}.created_at DESC, ${a}.id DESC LIMIT ${q.limit + 1}`,
  );
  return keysetPage(s.env.SERVER_SECRET, owner, rows, q.limit, (r) => ({ createdAt: r.created_at, id: r.id }), view);
}
