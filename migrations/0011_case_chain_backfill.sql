-- Backfill for 0009 (the keyed case chain and the webhook outbox).
-- 1. Every existing case row learns the head of its chain (its last event's
--    hash). Its events keep hash_version 1 (plain sha256: they were written
--    before the chain was keyed) and anchored_length 0, so the first audit
--    anchor after this migration (daily cron, or POST /admin/v1/audit/anchor
--    right after deploying) pins every existing chain in write-once R2; until
--    then such a case reads `chain.verified: false` (unanchored_legacy_events).
UPDATE `cases` SET `chain_head` = coalesce(
  (SELECT `hash` FROM `case_events` e WHERE e.`case_id` = `cases`.`id` ORDER BY e.`seq` DESC LIMIT 1),
  ''
);
--> statement-breakpoint
-- 2. Events stored before the outbox were handed to their delivery objects when
--    they were created: nothing is left for the outbox sweep to send.
UPDATE `webhook_events` SET `dispatched_at` = `created_at` WHERE `dispatched_at` IS NULL;
