-- Read-only view of the trigram index's vocabulary: how many listed names hold each
-- trigram. The search (src/screening/service.ts) looks up its query trigrams here and
-- leaves out the very common ones, whose rows would each cost a bm25 evaluation while
-- telling names apart the least; it keeps D1 query time bounded at full list size.
CREATE VIRTUAL TABLE `screening_names_vocab` USING fts5vocab(`screening_names_fts`, 'row');
