-- Content-addressed screening storage (contract §17): the versions serving when
-- this runs are carried over from the per-version tables (0004) into 0013's —
-- each record once (by record hash), its names (the FTS index of 0014 fills
-- through its trigger), documents, the version's members and one version row.
-- Rows of superseded or half-staged versions are not carried over (nobody reads
-- them; they were due for cleanup). Then the per-version index, its vocabulary
-- and its triggers go (0016 drops their tables). A refresh in flight when this
-- runs starts over from its download (src/screening/ingest-object.ts JOB_LAYOUT):
-- its staged rows were in the old tables.
INSERT INTO `screening_records` (`record_hash`, `list_id`, `entity_id`, `entity_type`, `name`, `data`, `name_count`, `names_version`)
SELECT e.`record_hash`, e.`list_id`, e.`entity_id`, e.`entity_type`, e.`name`, e.`data`,
       (SELECT count(*) FROM `screening_names` n WHERE n.`list_id` = e.`list_id` AND n.`sha256` = e.`sha256` AND n.`entity_id` = e.`entity_id`),
       -- The index text of names staged before INDEX_TEXT_VERSION existed is unknown: derived again when a version lists them next.
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
