// Worker entry of kycert-edge-engine: the heavy libraries the API Worker must not
// load on its request path. PDF rendering (pdf-lib, fontkit, the embedded font) is
// about three quarters of what the API Worker's isolates would otherwise parse
// before their first request. Stateless: it renders what it is given and keeps
// nothing. The API reaches it through the ENGINE service binding (wrangler.toml;
// this Worker's own configuration is wrangler.engine.toml).
import { WorkerEntrypoint } from "cloudflare:workers";
import { renderReport } from "./reports/render";
import type { RenderedReport, ReportInput } from "./reports/types";

export class Engine extends WorkerEntrypoint {
  /** The report's PDF bytes and page count (src/reports/render.ts). */
  renderReport(input: ReportInput): Promise<RenderedReport> {
    return renderReport(input);
  }
}

// Only the ENGINE binding's RPC reaches this Worker; it serves no HTTP.
export default {
  fetch: () => new Response(null, { status: 404 }),
};
