// Live adapters: picks the protocol adapter of each source from the Worker
// env (config.ts) and wraps it with the checks every live source shares.
import type { AdapterAnswer, SourceDefinition, SourceKey } from "../../domain/types";
import type { AdapterResolver, SourceAdapter } from "../adapter";
import { NOT_CONFIGURED_REASON, parseLiveConfig, type LiveConfig, type LiveSourceConfig } from "./config";
import { createGenericAdapter } from "./generic";
import { createSerproCpfAdapter } from "./serpro-cpf";
import { createTransparenciaAdapter } from "./transparencia";

export { NOT_CONFIGURED_REASON, parseLiveConfig, liveExecutionOverrides, liveSourceConfig } from "./config";
export type { LiveConfig, LiveSourceConfig } from "./config";

const notConfigured: SourceAdapter = {
  query: async () => ({ status: "ERROR", reason: NOT_CONFIGURED_REASON, retryable: false }),
};

function protocolAdapter(cfg: LiveSourceConfig, fetchFn: typeof fetch): SourceAdapter {
  switch (cfg.protocol) {
    case "serpro_cpf":
      return createSerproCpfAdapter(cfg, fetchFn);
    case "transparencia":
      return createTransparenciaAdapter(cfg, fetchFn);
    case "generic":
      return createGenericAdapter(cfg, fetchFn);
  }
}

/**
 * Never echo the subject's document in a reason (reasons reach the public run
 * body and the report; the document is shown masked there). Adapters do not
 * put it there; this is the belt to their braces, e.g. for a provider that
 * names a check after the document.
 */
function redactReason(answer: AdapterAnswer, document: string): AdapterAnswer {
  if (answer.status !== "ERROR" || document.length < 5 || !answer.reason.includes(document)) return answer;
  return { ...answer, reason: answer.reason.split(document).join("***") };
}

function guarded(def: SourceDefinition, inner: SourceAdapter): SourceAdapter {
  return {
    async query(req) {
      if (!def.subjects.includes(req.subject.type)) {
        const who = req.subject.type === "pf" ? "pessoa física" : "pessoa jurídica";
        return { status: "ERROR", reason: `Fonte não se aplica a ${who}.`, retryable: false };
      }
      return redactReason(await inner.query(req), req.subject.document);
    },
  };
}

export function createLiveAdapterResolver(env: Record<string, unknown>, fetchFn: typeof fetch): AdapterResolver {
  return createLiveAdapterResolverFromConfig(parseLiveConfig(env), fetchFn);
}

export function createLiveAdapterResolverFromConfig(config: LiveConfig, fetchFn: typeof fetch): AdapterResolver {
  const cache = new Map<SourceKey, SourceAdapter>();
  return (def) => {
    let adapter = cache.get(def.key);
    if (!adapter) {
      const cfg = config.sources[def.key];
      adapter = cfg ? guarded(def, protocolAdapter(cfg, fetchFn)) : notConfigured;
      cache.set(def.key, adapter);
    }
    return adapter;
  };
}
