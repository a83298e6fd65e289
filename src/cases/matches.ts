// Match candidates of a run with their record hashes, the false-positive
// memory step of the run object, and the evidence fingerprint of a case.
import type { Db } from "../db/client";
import { currentRecordHashes, falsePositivesFor, knownLists } from "../db/queries/cases";
import {
  isListedEntityId,
  applyFalsePositiveMemory,
  evidenceInput,
  extractMatches,
  type ClearedMatch,
  type HashedMatch,
  type MatchCandidate,
} from "../domain/cases";
import type { SourceResult, Subject } from "../domain/types";
import { LISTS_BY_SOURCE } from "../sources/lists";
import { sha256Hex, subjectDocumentHash } from "../lib/crypto";

/**
 * Keyed hash of a subject's document (purpose "subject-document"): what the
 * false-positive memory and a case remember of the subject, never the clear CPF/CNPJ.
 */
export const subjectHash = (serverSecret: string, subject: Pick<Subject, "type" | "document">): Promise<string> =>
  subjectDocumentHash(serverSecret, subject.type, subject.document);

/** The subject's name as Receita returned it (the identity sources' `nome`), if a run has it. */
function identityName(results: readonly SourceResult[]): string | null {
  for (const r of results) {
    if (r.source !== "receita_federal_cpf" && r.source !== "receita_federal_cnpj") continue;
    const data = r.data as Record<string, unknown> | undefined;
    const nome = data?.nome ?? data?.razao_social;
    if (typeof nome === "string" && nome.trim() !== "") return nome.trim();
  }
  return null;
}

/**
 * What a source that answers one whole record (PEP through the Portal da
 * Transparência or the sandbox: looked up by the subject's own CPF) leaves
 * out of its match: the list it stands for, the listed name — the subject's
 * own, since the record was found by its document — and a document match's
 * score, 1. Matches from the screening engine carry all three already.
 */
function completeWholeRecord(m: MatchCandidate, subjectName: string | null): MatchCandidate {
  if (m.index !== null) return m;
  return {
    ...m,
    list: m.list || (LISTS_BY_SOURCE[m.source]?.[0] ?? ""),
    name: m.name ?? subjectName,
    score: m.score ?? 1,
  };
}

/** The match candidates of these results, each with its record hash (given by the source, or sha256 of the record). */
export async function hashedMatches(results: readonly SourceResult[]): Promise<HashedMatch[]> {
  const subjectName = identityName(results);
  return Promise.all(
    extractMatches(results).map(async (candidate) => {
      const { given_record_hash, record, ...m } = completeWholeRecord(candidate, subjectName);
      return { ...m, record_hash: given_record_hash ?? (await sha256Hex(record)) };
    }),
  );
}

/**
 * The run object's step before it decides: reads this subject's remembered
 * false positives from D1 and clears the matching, unchanged records (pure
 * domain step). Nothing to read when no source matched anything. `stored`:
 * the results as the run will store them (CPFs masked), which is what a case
 * hashes its matches from; a record holding a CPF must hash the same here.
 */
export async function clearRememberedMatches(
  db: Db,
  run: { tenantId: string; livemode: boolean; subjectHash: string },
  results: SourceResult[],
  stored: (results: SourceResult[]) => SourceResult[],
): Promise<{ results: SourceResult[]; cleared: ClearedMatch[] }> {
  // Same order and indices as `results`: redaction changes values, never structure.
  const matches = await hashedMatches(stored(results));
  if (matches.length === 0) return { results, cleared: [] };
  const memory = await falsePositivesFor(db, run.tenantId, run.livemode, run.subjectHash);
  if (memory.length === 0) return { results, cleared: [] };
  return applyFalsePositiveMemory(
    results,
    matches,
    memory.map((m) => ({ source: m.source, list: m.list, entity_key: m.entityKey, record_hash: m.recordHash, case_id: m.caseId })),
  );
}

/**
 * The evidence of a case now: sha256 of the run's stored result, and the
 * fingerprint that also covers the current record hash of every listed entity
 * the matches point to. An entity of a list this database serves is looked up
 * in the serving version ("removed" when it is gone); a sandbox match keeps the
 * hash of the record the run saw.
 */
export async function caseEvidence(db: Db, storedResultText: string, matches: readonly HashedMatch[]) {
  const resultSha256 = await sha256Hex(storedResultText);
  const real = matches.filter((m) => m.list && isListedEntityId(m.entity_id));
  const served = await knownLists(db, real.map((m) => m.list));
  const current = await currentRecordHashes(db, real.filter((m) => served.has(m.list)).map((m) => ({ list: m.list, entityId: m.entity_id })));
  const entities = matches.map((m) => {
    const key = `${m.list}|${m.entity_id}`;
    const fromList = served.has(m.list) && isListedEntityId(m.entity_id);
    return { source: m.source, list: m.list, entity_id: m.entity_id, record_hash: fromList ? (current.get(key) ?? "removed") : m.record_hash };
  });
  return { resultSha256, evidence: await sha256Hex(evidenceInput(resultSha256, entities)) };
}
