-- Full-text index of listed names (trigram tokenizer: substring and fuzzy candidate
-- retrieval over normalised names). External content: the text lives once, in
-- screening_names; the triggers keep the index in step with every insert/delete.
-- Note: `wrangler d1 export` skips virtual tables; rebuild after an import with
-- INSERT INTO screening_names_fts(screening_names_fts) VALUES('rebuild').
CREATE VIRTUAL TABLE `screening_names_fts` USING fts5(norm, content='screening_names', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `screening_names_fts_ai` AFTER INSERT ON `screening_names` BEGIN
  INSERT INTO screening_names_fts(rowid, norm) VALUES (new.id, new.norm);
END;
--> statement-breakpoint
CREATE TRIGGER `screening_names_fts_ad` AFTER DELETE ON `screening_names` BEGIN
  INSERT INTO screening_names_fts(screening_names_fts, rowid, norm) VALUES ('delete', old.id, old.norm);
END;
--> statement-breakpoint
CREATE TRIGGER `screening_names_fts_au` AFTER UPDATE ON `screening_names` BEGIN
  INSERT INTO screening_names_fts(screening_names_fts, rowid, norm) VALUES ('delete', old.id, old.norm);
  INSERT INTO screening_names_fts(rowid, norm) VALUES (new.id, new.norm);
END;
--> statement-breakpoint
-- One row per list (contract §14), empty until its first refresh.
INSERT INTO `screening_lists` (`id`, `status`, `updated_at`) VALUES
  ('ofac_sdn', 'empty', '2026-11-01T00:00:00.000Z'),
  ('ofac_cons', 'empty', '2026-11-01T00:00:00.000Z'),
  ('un_sc', 'empty', '2026-11-01T00:00:00.000Z'),
  ('eu_fsf', 'empty', '2026-11-01T00:00:00.000Z'),
  ('uk_fcdo', 'empty', '2026-11-01T00:00:00.000Z'),
  ('cgu_ceis', 'empty', '2026-11-01T00:00:00.000Z'),
  ('cgu_cnep', 'empty', '2026-11-01T00:00:00.000Z'),
  ('cgu_pep', 'empty', '2026-11-01T00:00:00.000Z'),
  ('mte_empregadores', 'empty', '2026-11-01T00:00:00.000Z');
