-- Content-addressed screening storage (list versions with deltas, contract §17),
-- the hand-written half of 0012 (tables) and 0014 (the per-version tables dropped):
-- 1. the FTS5 trigram index and its vocabulary over the records' names;
-- 2. the versions serving now carried over from the per-version tables: their
--    records (each stored once, by record hash), names, documents, members, and
--    one version row each. Rows of superseded or half-staged versions are not
--    carried over (nobody reads them; they were due for cleanup).
-- 3. the old index, its vocabulary and its triggers dropped (0014 drops their tables).
-- A refresh in flight when this runs starts over from its download (ingest-object.ts
-- JOB_LAYOUT): its staged rows were in the old tables.
-- Note: `wrangler d1 export` skips virtual tables; rebuild after an import with
-- INSERT INTO screening_record_names_fts(screening_record_names_fts) VALUES('rebuild').
CREATE VIRTUAL TABLE `screening_record_names_fts` USING fts5(norm, content='screening_record_names', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
-- How many listed names hold each trigram: the search leaves out the very common ones (src/screening/service.ts).
CREATE VIRTUAL TABLE `screening_record_names_vocab` USING fts5vocab(`screening_record_names_fts`, 'row');
--> statement-breakpoint
INSERT INTO `screening_records` (`record_hash`, `list_id`, `entity_id`, `entity_type`, `name`, `data`, `name_count`, `names_version`)
SELECT e.`record_hash`, e.`list_id`, e.`entity_id`, e.`entity_type`, e.`name`, e.`data`,
       (SELECT count(*) FROM `screening_names` n WHERE n.`list_id` = e.`list_id` AND n.`sha256` = e.`sha256` AND n.`entity_id` = e.`entity_id`),
       0
  FROM `screening_entities` e JOIN `screening_lists` l ON l.`id` = e.`list_id` AND l.`current_sha256` = e.`sha256`
 WHERE true
ON CONFLICT (`record_hash`) DO NOTHING;
--> statement-breakpoint
INSERT INTO `screening_record_names` (`record_hash`, `list_id`, `entity_id`, `name`, `norm`, `weak`)
SELECT e.`record_hash`, n.`list_id`, n.`entity_id`, n.`name`, n.`norm`, n.`weak`
  FROM `screening_names` n
  JOIN `screening_lists` l ON l.`id` = n.`list_id` AND l.`current_sha256` = n.`sha256`
  JOIN `screening_entities` e ON e.`list_id` = n.`list_id` AND e.`sha256` = n.`sha256` AND e.`entity_id` = n.`entity_id`
 ORDER BY n.`id`;
--> statement-breakpoint
-- The index in one pass over the names just copied; the triggers below keep it in step from now on.
INSERT INTO `screening_record_names_fts` (`screening_record_names_fts`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `screening_record_names_fts_ai` AFTER INSERT ON `screening_record_names` BEGIN
  INSERT INTO screening_record_names_fts(rowid, norm) VALUES (new.id, new.norm);
END;
--> statement-breakpoint
CREATE TRIGGER `screening_record_names_fts_ad` AFTER DELETE ON `screening_record_names` BEGIN
  INSERT INTO screening_record_names_fts(screening_record_names_fts, rowid, norm) VALUES ('delete', old.id, old.norm);
END;
--> statement-breakpoint
CREATE TRIGGER `screening_record_names_fts_au` AFTER UPDATE ON `screening_record_names` BEGIN
  INSERT INTO screening_record_names_fts(screening_record_names_fts, rowid, norm) VALUES ('delete', old.id, old.norm);
  INSERT INTO screening_record_names_fts(rowid, norm) VALUES (new.id, new.norm);
END;
--> statement-breakpoint
INSERT INTO `screening_record_documents` (`record_hash`, `list_id`, `entity_id`, `kind`, `value`, `country`)
SELECT e.`record_hash`, d.`list_id`, d.`entity_id`, d.`kind`, d.`value`, d.`country`
  FROM `screening_documents` d
  JOIN `screening_lists` l ON l.`id` = d.`list_id` AND l.`current_sha256` = d.`sha256`
  JOIN `screening_entities` e ON e.`list_id` = d.`list_id` AND e.`sha256` = d.`sha256` AND e.`entity_id` = d.`entity_id`;
--> statement-breakpoint
INSERT INTO `screening_version_members` (`list_id`, `sha256`, `entity_id`, `record_hash`)
SELECT e.`list_id`, e.`sha256`, e.`entity_id`, e.`record_hash`
  FROM `screening_entities` e JOIN `screening_lists` l ON l.`id` = e.`list_id` AND l.`current_sha256` = e.`sha256`;
--> statement-breakpoint
-- The serving versions: their predecessor is unknown here, so, like a list's first version, every entity counts as added.
INSERT INTO `screening_versions` (`list_id`, `sha256`, `fetched_at`, `entities`, `names`, `added`, `became_current_at`, `created_at`)
SELECT `id`, `current_sha256`, `current_fetched_at`, coalesce(`current_entities`, 0), coalesce(`current_names`, 0), coalesce(`current_entities`, 0),
       `current_fetched_at`, `current_fetched_at`
  FROM `screening_lists` WHERE `current_sha256` IS NOT NULL;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `screening_names_fts_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `screening_names_fts_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `screening_names_fts_au`;
--> statement-breakpoint
DROP TABLE IF EXISTS `screening_names_vocab`;
--> statement-breakpoint
DROP TABLE IF EXISTS `screening_names_fts`;
