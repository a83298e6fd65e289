// The list-backed sources reach the matcher in kycert-edge-engine over RPC: an engine
// that fails or says a list is not loaded must end the source in ERROR, never in a
// "nothing found" that would read as screened and clean.
import { describe, expect, it } from "vitest";
import type { SourceRequest } from "./adapter";
import { SOURCE_CATALOG } from "./catalog";
import { createListAdapter } from "./lists";

const subject = { type: "pf" as const, document: "52998224725", name: "Fulano de Tal" };
const request: SourceRequest = { source: SOURCE_CATALOG.ofac_sdn, subject, attempt: 1, signal: new AbortController().signal };

const engineThat = (searchLists: () => Promise<unknown>) => ({ ENGINE: { searchLists } }) as unknown as Pick<Env, "ENGINE">;

describe("list-backed source over the engine", () => {
  it("an engine that throws (down, restarted, D1 failing inside it) → ERROR, retryable", async () => {
    const adapter = createListAdapter(engineThat(() => Promise.reject(new Error("Network connection lost."))), SOURCE_CATALOG.ofac_sdn);
    expect(await adapter.query(request)).toEqual({ status: "ERROR", reason: "Falha ao consultar as listas de triagem.", retryable: true });
  });

  it("list_not_ready answered as data by the engine → ERROR naming the list, not retryable", async () => {
    const adapter = createListAdapter(
      engineThat(() => Promise.resolve({ ok: false, error: { code: "list_not_ready", message: "A lista ofac_cons (vazia) …", param: "ofac_cons" } })),
      SOURCE_CATALOG.ofac_sdn,
    );
    const answer = await adapter.query(request);
    expect(answer).toMatchObject({ status: "ERROR", retryable: false });
    expect((answer as { reason: string }).reason).toContain("ofac_cons");
  });
});
