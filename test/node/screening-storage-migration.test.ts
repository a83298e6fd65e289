// The move to content-addressed screening storage (migrations 0013–0016): the
// versions serving when it runs are carried over — each record once, its
// names (the FTS index and its vocabulary filled through its trigger), documents,
// the version's members and its row — and the per-version tables and their
// index are gone. Replayed in SQLite (node:sqlite, FTS5 as in D1) on rows
// written the way the per-version ingest wrote them.
import { describe, expect, it } from "vitest";

// Node's fs and sqlite through dynamic imports with the few signatures used here
// typed locally: the project's tsconfig carries Workers types, not @types/node.
const fsModule = "node:fs";
const sqliteModule = "node:sqlite";
const fs = (await import(fsModule)) as { readFileSync(file: URL, encoding: "utf8"): string };
interface Statement {
  all(...args: unknown[]): Record<string, unknown>[];
  run(...args: unknown[]): unknown;
}
interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
}
const { DatabaseSync } = (await import(sqliteModule)) as { DatabaseSync: new (path: string) => Database };

const MIGRATIONS = new URL("../../migrations/", (import.meta as unknown as { url: string }).url);
const journal = JSON.parse(fs.readFileSync(new URL("meta/_journal.json", MIGRATIONS), "utf8")) as { entries: { tag: string }[] };
const tags = journal.entries.map((e) => e.tag);
const FIRST_NEW = tags.findIndex((t) => t.endsWith("_screening_versions"));

const apply = (db: Database, from: number, to: number) => {
  for (const tag of tags.slice(from, to)) db.exec(fs.readFileSync(new URL(`${tag}.sql`, MIGRATIONS), "utf8"));
};

/** A database as the per-version ingest left it: un_sc serving version A, a leftover of version B, ofac_sdn empty. */
function before(): Database {
  const db = new DatabaseSync(":memory:");
  apply(db, 0, FIRST_NEW);
  db.exec(`
    UPDATE screening_lists SET status = 'ready', current_sha256 = 'A', current_fetched_at = '2026-11-30T03:00:00.000Z',
      current_entities = 2, current_names = 3 WHERE id = 'un_sc';
    INSERT INTO screening_entities (list_id, sha256, entity_id, entity_type, name, data, record_hash) VALUES
      ('un_sc', 'A', 'E1', 'person', 'ERIC BADEGE', '{"entity_id":"E1","name":"ERIC BADEGE"}', 'h1'),
      ('un_sc', 'A', 'E2', 'organization', 'FRANK HOLDINGS', '{"entity_id":"E2","name":"FRANK HOLDINGS"}', 'h2'),
      ('un_sc', 'B', 'E1', 'person', 'ERIC BADEGE', '{"entity_id":"E1","name":"ERIC BADEGE"}', 'h1'),
      ('un_sc', 'B', 'E3', 'person', 'STAGED ONLY', '{"entity_id":"E3","name":"STAGED ONLY"}', 'h3');
    INSERT INTO screening_names (list_id, sha256, entity_id, name, norm, weak) VALUES
      ('un_sc', 'A', 'E1', 'ERIC BADEGE', 'eric badege', 0),
      ('un_sc', 'A', 'E1', 'Eric Badegue', 'eric badegue', 1),
      ('un_sc', 'A', 'E2', 'FRANK HOLDINGS', 'frank holdings', 0),
      ('un_sc', 'B', 'E1', 'ERIC BADEGE', 'eric badege', 0),
      ('un_sc', 'B', 'E3', 'STAGED ONLY', 'staged only', 0);
    INSERT INTO screening_documents (list_id, sha256, kind, value, country, entity_id) VALUES
      ('un_sc', 'A', 'passport', 'PX1', 'CD', 'E2'),
      ('un_sc', 'B', 'passport', 'PX3', NULL, 'E3');
  `);
  return db;
}

describe("content-addressed screening storage: the migration", () => {
  it("carries the serving versions over, each record once with its names, documents, members and version row; leftovers stay behind", () => {
    const db = before();
    apply(db, FIRST_NEW, tags.length);
    const rows = (sql: string, ...args: unknown[]) => db.prepare(sql).all(...args).map((r) => ({ ...r }));
    expect(rows("SELECT record_hash, list_id, entity_id, entity_type, name, name_count, names_version FROM screening_records ORDER BY record_hash")).toEqual([
      { record_hash: "h1", list_id: "un_sc", entity_id: "E1", entity_type: "person", name: "ERIC BADEGE", name_count: 2, names_version: 0 },
      { record_hash: "h2", list_id: "un_sc", entity_id: "E2", entity_type: "organization", name: "FRANK HOLDINGS", name_count: 1, names_version: 0 },
    ]);
    expect(rows("SELECT record_hash, list_id, entity_id, name, norm, weak FROM screening_record_names ORDER BY id")).toEqual([
      { record_hash: "h1", list_id: "un_sc", entity_id: "E1", name: "ERIC BADEGE", norm: "eric badege", weak: 0 },
      { record_hash: "h1", list_id: "un_sc", entity_id: "E1", name: "Eric Badegue", norm: "eric badegue", weak: 1 },
      { record_hash: "h2", list_id: "un_sc", entity_id: "E2", name: "FRANK HOLDINGS", norm: "frank holdings", weak: 0 },
    ]);
    expect(rows("SELECT record_hash, kind, value, country FROM screening_record_documents")).toEqual([{ record_hash: "h2", kind: "passport", value: "PX1", country: "CD" }]);
    expect(rows("SELECT list_id, sha256, entity_id, record_hash FROM screening_version_members ORDER BY entity_id")).toEqual([
      { list_id: "un_sc", sha256: "A", entity_id: "E1", record_hash: "h1" },
      { list_id: "un_sc", sha256: "A", entity_id: "E2", record_hash: "h2" },
    ]);
    expect(rows("SELECT list_id, sha256, fetched_at, entities, names, previous_sha256, added, modified, removed, became_current_at, superseded_at, retired_at FROM screening_versions")).toEqual([
      {
        list_id: "un_sc",
        sha256: "A",
        fetched_at: "2026-11-30T03:00:00.000Z",
        entities: 2,
        names: 3,
        previous_sha256: null,
        added: 2,
        modified: 0,
        removed: 0,
        became_current_at: "2026-11-30T03:00:00.000Z",
        superseded_at: null,
        retired_at: null,
      },
    ]);
    // The index over the records' names, and its vocabulary, answer; and keep up with new names (the triggers).
    const match = (q: string) => rows("SELECT n.name FROM screening_record_names_fts f JOIN screening_record_names n ON n.id = f.rowid WHERE screening_record_names_fts MATCH ? ORDER BY n.id", q).map((r) => r.name);
    expect(match('"badeg"')).toEqual(["ERIC BADEGE", "Eric Badegue"]);
    expect(rows("SELECT doc FROM screening_record_names_vocab WHERE term = 'ank'")).toEqual([{ doc: 1 }]);
    db.exec("INSERT INTO screening_record_names (record_hash, list_id, entity_id, name, norm) VALUES ('h2', 'un_sc', 'E2', 'FRANKIE', 'frankie')");
    expect(match('"frank"')).toEqual(["FRANK HOLDINGS", "FRANKIE"]);
    db.exec("DELETE FROM screening_record_names WHERE name = 'FRANKIE'");
    expect(match('"frank"')).toEqual(["FRANK HOLDINGS"]);
    // The per-version tables, their index and its vocabulary are gone.
    const tables = rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE 'screening_%' ORDER BY name").map((r) => r.name);
    for (const old of ["screening_entities", "screening_names", "screening_documents", "screening_names_fts", "screening_names_vocab", "screening_names_fts_ai"]) expect(tables).not.toContain(old);
  });

  it("a database without any list loaded migrates to empty tables", () => {
    const db = new DatabaseSync(":memory:");
    apply(db, 0, tags.length);
    for (const t of ["screening_records", "screening_record_names", "screening_record_documents", "screening_versions", "screening_version_members", "screening_version_changes"]) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${t}`).all()[0].n, t).toBe(0);
    }
  });
});
