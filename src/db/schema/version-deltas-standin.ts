import { primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * STAND-IN for the list-version store with deltas (contract §17 "List versions
 * and deltas"), which is built separately: just enough for
 * src/screening/versions.ts `versionChanges` to tell the added, modified and
 * removed entities of a version that became current. Each version's manifest
 * (entity id → record hash) is copied from screening_entities while the version
 * still has its rows; the log says which version it replaced. Dropped when the
 * real store lands.
 */
export const versionDeltaLog = sqliteTable(
  "version_delta_log",
  {
    listId: text("list_id").notNull(),
    sha256: text("sha256").notNull(),
    previousSha256: text("previous_sha256"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.sha256] })],
);

export const versionDeltaEntities = sqliteTable(
  "version_delta_entities",
  {
    listId: text("list_id").notNull(),
    sha256: text("sha256").notNull(),
    entityId: text("entity_id").notNull(),
    recordHash: text("record_hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.sha256, t.entityId] })],
);
