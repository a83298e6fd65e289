// Pieces of SQL the queries share: the gated INSERT … SELECT and its unique
// violation (runs.ts insertRunReserving, cases.ts openCaseStatements /
// writeCaseChange), and the keyset condition of the newest-first lists.
import { and, eq, getTableColumns, lt, or, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";

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
