// Pieces of SQL the queries share: the gated INSERT … SELECT and its unique
// violation (runs.ts insertRunReserving, cases.ts openCaseStatements /
// writeCaseChange), the keyset condition of the newest-first lists, and one D1
// batch of mixed statements (monitoring).
import { and, eq, getTableColumns, lt, or, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../client";

/**
 * One D1 batch (a transaction) of any number of statements — query builders and
 * raw `db.run(sql…)` alike — answered with D1's own results (rows, `meta.changes`).
 * drizzle's `db.batch` cannot carry a raw statement that has parameters (its D1
 * session binds them on a prepared statement the raw query does not have), so
 * the statements are handed to D1 directly.
 */
export function runBatch(db: Db, items: readonly BatchItem<"sqlite">[]): Promise<D1Result<Record<string, unknown>>[]> {
  if (items.length === 0) return Promise.resolve([]);
  const d1 = db.$client as D1Database;
  return d1.batch(
    items.map((item) => {
      const q = "toSQL" in item ? (item as { toSQL(): { sql: string; params: unknown[] } }).toSQL() : (item as unknown as { getQuery(): { sql: string; params: unknown[] } }).getQuery();
      return d1.prepare(q.sql).bind(...q.params);
    }),
  );
}

/**
 * A row as SQL literals in drizzle's column order, for INSERT … SELECT … WHERE:
 * every column gets a value (its default when the row leaves it out), so the
 * WHERE can gate whether the row goes in at all.
 */
export function literalRow(table: SQLiteTable, row: Record<string, unknown>): SQL {
  return sql.join(
    Object.entries(getTableColumns(table)).map(([k, col]) => {
      const v = row[k] ?? col.default ?? null;
      return v === null ? sql`null` : sql.param(v, col);
    }),
    sql`, `,
  );
}

/** A batch that failed on a UNIQUE / PRIMARY KEY of `table` (D1 puts SQLite's message in the error or its cause). */
export function isUniqueViolation(err: unknown, table: string): boolean {
  const text = `${String(err)} ${String((err as { cause?: unknown } | null)?.cause ?? "")}`;
  return text.includes(`UNIQUE constraint failed: ${table}.`);
}

/**
 * Keyset pagination of a list newest first by (time, id): the rows after
 * `after`, i.e. strictly older, or as old with a smaller id. Inserts never
 * shift a page.
 */
export const olderThan = (time: SQLiteColumn, id: SQLiteColumn, after: { createdAt: string; id: string }): SQL =>
  or(lt(time, after.createdAt), and(eq(time, after.createdAt), lt(id, after.id)))!;
