// The `completo` report prints, for each list-backed source (contract §14), the
// list versions the run used (list id, sha256, fetched_at) — a run is
// reproducible from its record — and the candidates it found.
import { PDFParse } from "pdf-parse";
import { describe, expect, it, vi } from "vitest";
import { renderReport } from "../../src/reports/render";
import { answerFromOutcome } from "../../src/sources/lists";
import { SOURCE_CATALOG } from "../../src/sources/catalog";
import type { ScoredEntity } from "../../src/screening/service";
import { pfCleanInput } from "./report-fixtures";

vi.setConfig({ testTimeout: 60_000 });

const SDN = "5f2c".repeat(16);
const CONS = "a9e1".repeat(16);

async function textOf(bytes: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).pages.map((p) => p.text).join(" ");
  } finally {
    await parser.destroy();
  }
}

describe("completo report: list versions of list-backed sources", () => {
  it("prints each list's id, sha256 and fetched_at, and the candidate, in the source's data", async () => {
    const candidate: ScoredEntity = {
      list: "ofac_sdn",
      entity_id: "9647",
      entity_type: "person",
      name: "BOUT, Viktor Anatolijevitch",
      matched_name: "BOUT, Viktor Anatolijevitch",
      score: 0.889,
      strength: "possible",
      reasons: ["missing_middle", "token_order"],
      programs: ["SDGT"],
      listed_on: null,
      birth_dates: [],
      nationalities: [],
      basis: "name",
      entity: {
        list: "ofac_sdn",
        entity_id: "9647",
        entity_type: "person",
        name: "BOUT, Viktor Anatolijevitch",
        aliases: [],
        birth_dates: [],
        nationalities: [],
        documents: [],
        programs: ["SDGT"],
        listed_on: null,
        active: true,
        details: {},
      },
    };
    const answer = answerFromOutcome(SOURCE_CATALOG.ofac_sdn, "Viktor Bout", {
      lists: [
        { id: "ofac_sdn", sha256: SDN, fetched_at: "2026-11-30T03:00:00.000Z" },
        { id: "ofac_cons", sha256: CONS, fetched_at: "2026-11-29T03:00:00.000Z" },
      ],
      threshold: 0.8,
      limit: 10,
      matches: [candidate],
      cleared: [],
      inactive: [],
      took_ms: 3,
    });
    expect(answer).toMatchObject({ status: "INVALID", possible_match: true });
    const input = pfCleanInput({ mode: "completo", livemode: true });
    const results = input.results.map((r) =>
      r.source === "ofac_sdn" && answer.status !== "ERROR" ? { ...r, status: answer.status, checks: answer.checks, data: answer.data, possible_match: true } : r,
    );
    const out = await renderReport({ ...input, results });
    const text = (await textOf(out.bytes)).replace(/\s+/g, "");
    for (const s of ["listas[1].id", "ofac_sdn", `listas[1].sha256${SDN}`, "2026-11-30T03:00:00.000Z", `listas[2].sha256${CONS}`, "BOUT,ViktorAnatolijevitch"]) {
      expect(text).toContain(s.replace(/\s+/g, ""));
    }
  });
});
