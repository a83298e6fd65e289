-- Full-text index of the records' names (content-addressed screening storage,
-- contract §17; the tables are 0013's): trigram tokenizer for substring and fuzzy
-- candidate retrieval over the names' index texts. External content: the text
-- lives once, in screening_record_names; the triggers keep the index in step with
-- every insert/delete. The per-version index (0005, 0008) goes in 0015.
-- Note: `wrangler d1 export` skips virtual tables; rebuild after an import with
-- INSERT INTO screening_record_names_fts(screening_record_names_fts) VALUES('rebuild').
CREATE VIRTUAL TABLE `screening_record_names_fts` USING fts5(norm, content='screening_record_names', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
-- How many listed names hold each trigram: the search leaves out the very common ones (src/screening/service.ts).
CREATE VIRTUAL TABLE `screening_record_names_vocab` USING fts5vocab(`screening_record_names_fts`, 'row');
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
