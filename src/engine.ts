// Worker entry of kycert-edge-engine: the heavy libraries the API Worker must not
// load on its request path, where every new isolate parses the whole bundle
// before its first request (API Worker budget: 400 KiB gzip, enforced by .ci/run):
//  - PDF rendering: pdf-lib, fontkit and the embedded font;
//  - screening: the matcher and its full Unicode transliteration (any-ascii), for
//    searches and for monitoring's in-memory indexes (src/monitoring/screen-engine.ts).
// It reads the screening lists from the API's D1 database and writes nothing;
// an isolate keeps monitoring's in-memory indexes between calls (bounded). The
// API reaches it only through the ENGINE service binding (wrangler.toml); its
// own configuration is wrangler.engine.toml.
import { WorkerEntrypoint } from "cloudflare:workers";
import { DomainError } from "./domain/errors";
import { renderReport } from "./reports/render";
import type { RenderedReport, ReportInput } from "./reports/types";
import { SEARCH_REFUSALS, type EngineSearchAnswer, type EngineSearchOptions, type SearchQuery, type SearchRefusal } from "./screening/client";
import { normalizeName } from "./screening/match/normalize";
import { screenSubjects, type ScreenAnswer, type ScreenRequest } from "./monitoring/screen-engine";
import { searchLists } from "./screening/service";

export class Engine extends WorkerEntrypoint<Env> {
  /** The report's PDF bytes and page count (src/reports/render.ts). */
  renderReport(input: ReportInput): Promise<RenderedReport> {
    return renderReport(input);
  }

  /** A screening search (src/screening/service.ts), read where `opts` says (src/screening/client.ts). */
  async searchLists(q: SearchQuery, opts: EngineSearchOptions): Promise<EngineSearchAnswer> {
    const db = opts.bookmark === undefined ? this.env.DB : this.env.DB.withSession(opts.bookmark ?? "first-unconstrained");
    try {
      return { ok: true, outcome: await searchLists(db, q, { today: opts.today }) };
    } catch (err) {
      if (err instanceof DomainError && (SEARCH_REFUSALS as readonly string[]).includes(err.code)) {
        return { ok: false, error: { code: err.code as SearchRefusal, message: err.message, param: err.param } };
      }
      throw err;
    }
  }

  /** Monitored subjects against a delta page or the serving versions (src/monitoring/screen-engine.ts); reads the primary. */
  monitoringScreen(req: ScreenRequest): Promise<ScreenAnswer> {
    return screenSubjects(this.env.DB, this.env.SERVER_SECRET, req);
  }

  /** normalizeName of names the API's table cannot transliterate (CJK ideographs, kana): the list ingest's. */
  normalizeNames(names: string[]): string[] {
    return names.map(normalizeName);
  }
}

// Only the ENGINE binding's RPC reaches this Worker; it serves no HTTP.
export default {
  fetch: () => new Response(null, { status: 404 }),
};
