// Types shared by the run's modules: what the run object executes (RunInit)
// and what a terminal run stores (StoredResult). A module of its own so the
// run object, the views, the records builder and the services all import
// them from here, and none has to import another for a type (no import circle).
import type {
  BureauRunAnalysis,
  PartnerOutcome,
  RunBody,
  SourceResult,
  Subject,
  TemplateSnapshot,
  UnscreenedPartner,
} from "../domain/types";

/** Everything a run needs to execute, fixed at creation. */
export interface RunInit {
  runId: string;
  tenantId: string;
  livemode: boolean;
  snapshot: TemplateSnapshot;
  subject: Subject;
  createdAt: string;
  parentRunId: string | null;
  externalId: string | null;
  metadata: Record<string, string>;
  webhookUrl: string | null;
  /** The API key that created the run (partner runs carry their company's); absent in inits stored before it existed. */
  keyId?: string | null;
  /**
   * `"monitor": true` (contract §17): when the run completes, its subject is
   * enrolled in monitoring — a company's partner runs carry their company's.
   */
  monitor?: boolean;
}

/** What a terminal run stores (D1 `runs.result`): the body plus what analysis, detail and reports need. */
export interface StoredResult {
  body: RunBody;
  results: SourceResult[];
  analysis: BureauRunAnalysis | null;
  snapshot: TemplateSnapshot;
  partners: PartnerOutcome[];
  unscreened: UnscreenedPartner[];
}
