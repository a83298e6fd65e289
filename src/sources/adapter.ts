// The one interface every source adapter (sandbox, live HTTP, list screening)
// implements. The run Durable Object only ever talks to this.
import type { AdapterAnswer, SourceDefinition, Subject } from "../domain/types";

export interface SourceRequest {
  source: SourceDefinition;
  subject: Subject;
  /** Aborted when the per-source timeout elapses or the run is cancelled. */
  signal: AbortSignal;
  /** 1-based attempt number. */
  attempt: number;
}

export interface SourceAdapter {
  query(req: SourceRequest): Promise<AdapterAnswer>;
}

/** Resolves the adapter for one source; chosen per run by environment (sandbox or live). */
export type AdapterResolver = (source: SourceDefinition) => SourceAdapter;
