// Live providers for every catalogue source, on the generic provider protocol
// (docs/live-sources.md), scripted through the test Worker's live transport:
// each source answers what `answer` says for it (VALID with no data by default).
import type { SourceKey } from "../../src/domain/types";
import { SOURCE_CATALOG } from "../../src/sources/catalog";
import { liveTransport } from "./transports";

export interface ProviderAnswer {
  status?: "VALID" | "INVALID";
  data?: Record<string, unknown>;
}

export function scriptLiveProviders(answer: (source: SourceKey) => ProviderAnswer = () => ({})): void {
  liveTransport.extraConfig = Object.fromEntries(
    Object.keys(SOURCE_CATALOG).flatMap((k) => [
      [`SOURCE_URL_${k.toUpperCase()}`, `https://provider.example.com/${k}`],
      [`SOURCE_TOKEN_${k.toUpperCase()}`, "tok_test"],
    ]),
  );
  liveTransport.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const key = new URL(new Request(input as RequestInfo, init as RequestInit).url).pathname.split("/")[1] as SourceKey;
    const { status = "VALID", data = {} } = answer(key);
    const checks = Object.fromEntries(SOURCE_CATALOG[key].checks.map((c) => [c, status]));
    return new Response(JSON.stringify({ status, checks, data }), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
}
