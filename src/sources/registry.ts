// `receita_federal_cnpj` from the service's own copy of the Receita's open CNPJ
// data (contract §18), in live mode when no provider is configured for it
// (SOURCE_URL_RECEITA_FEDERAL_CNPJ wins): no outbound call at run time.
//
// Outcomes:
// - situação ATIVA → VALID; any other (BAIXADA, INAPTA, SUSPENSA, NULA) →
//   INVALID on `situacao_cadastral`, and the template's on_hit applies;
// - `qsa` lists the partners as the file has them: a person's CPF masked
//   (`***456789**`), a company's CNPJ in full. Each person also carries the six
//   visible CPF digits and the birth years its age band allows (`cpf_visivel`,
//   `faixa_etaria`), what screening a masked partner on the lists needs;
// - no month loaded → ERROR (nobody checked the registry: the run holds);
// - a CNPJ the month does not have → ERROR, not NO_DATA: it opened after the
//   extraction or does not exist, and either way no company is approved on it.
import { birthYearRange, establishmentOf, SITUACAO_ATIVA, visibleCpfDigits } from "../domain/registry";
import { DomainError } from "../domain/errors";
import type { AdapterAnswer, QsaPartner, SourceDefinition, SourceKey } from "../domain/types";
import { lookupCompany } from "../registry/service";
import { companyView } from "../registry/view";
import type { SourceAdapter } from "./adapter";

export const REGISTRY_NOT_READY_REASON = "Cadastro de CNPJ sem mês carregado neste ambiente; a fonte não pôde ser consultada.";
const REGISTRY_FAILURE_REASON = "Falha ao ler o cadastro de CNPJ.";

const label = (c: { code: string; label: string | null } | null): string | null => (c ? (c.label ? `${c.code} — ${c.label}` : c.code) : null);

export function createRegistryAdapter(env: Pick<Env, "DB" | "REGISTRY">, now: () => number = Date.now): SourceAdapter {
  return {
    async query({ subject }): Promise<AdapterAnswer> {
      if (subject.type !== "pj") return { status: "ERROR", reason: "Fonte não se aplica a pessoa física.", retryable: false };
      const cnpj = subject.document;
      let found: Awaited<ReturnType<typeof lookupCompany>>;
      try {
        found = await lookupCompany(env as Env, cnpj.slice(0, 8), now());
      } catch (err) {
        if (err instanceof DomainError && err.code === "registry_not_ready") {
          return { status: "ERROR", reason: REGISTRY_NOT_READY_REASON, retryable: false };
        }
        // D1 or R2 hiccups are transient: worth the executor's retry.
        return { status: "ERROR", reason: REGISTRY_FAILURE_REASON, retryable: true };
      }
      const est = found ? establishmentOf(found.record, cnpj.slice(8, 12)) : undefined;
      if (!found || !est || est[1] !== cnpj.slice(12)) {
        return {
          status: "ERROR",
          reason: "CNPJ não consta no cadastro aberto da Receita do mês em uso: aberto depois da extração ou inexistente.",
          retryable: false,
        };
      }
      const view = companyView(found.record, est, found.index, found.build);
      const extraction = found.build.extractionDate;
      const qsa: QsaPartner[] = found.record.partners.map((p, i) => {
        const v = view.socios[i];
        const visible = v.tipo === "pf" ? visibleCpfDigits(p[2]) : null;
        const years = v.tipo === "pf" ? birthYearRange(p[9], extraction) : null;
        return {
          nome: v.nome ?? "",
          documento: v.tipo === "pj" ? `${p[2] ?? ""}` : (v.documento ?? ""),
          tipo: v.tipo ?? "pf",
          qualificacao: v.qualificacao ? `${v.qualificacao.code}-${v.qualificacao.label ?? ""}` : "",
          ...(visible ? { cpf_visivel: visible } : {}),
          ...(years && v.faixa_etaria ? { faixa_etaria: { ...v.faixa_etaria, nascimento_de: years.from, nascimento_ate: years.to } } : {}),
        };
      });
      const sit = view.situacao_cadastral;
      const ok = sit.code === SITUACAO_ATIVA;
      return {
        status: ok ? "VALID" : "INVALID",
        checks: { situacao_cadastral: ok ? "VALID" : "INVALID", qsa: "VALID" },
        data: {
          razao_social: view.razao_social,
          nome_fantasia: view.nome_fantasia,
          situacao_cadastral: sit.label ?? sit.code,
          situacao_codigo: sit.code,
          data_situacao_cadastral: sit.since,
          motivo_situacao_cadastral: label(sit.reason),
          matriz: view.matriz,
          data_abertura: view.data_abertura,
          cnae_principal: label(view.cnae_principal),
          natureza_juridica: label(view.natureza_juridica),
          endereco: {
            logradouro: view.endereco.logradouro,
            numero: view.endereco.numero,
            bairro: view.endereco.bairro,
            cep: view.endereco.cep,
            municipio: view.endereco.municipio?.label ?? null,
            uf: view.endereco.uf,
          },
          qsa,
          fonte: { cadastro: "Receita Federal — Dados Abertos do CNPJ", mes: found.build.month, data_extracao: extraction },
        },
      };
    },
  };
}

/**
 * Live resolution with the registry: `receita_federal_cnpj` without a
 * configured provider answers from the registry; everything else goes to `next`.
 */
export function withRegistrySource(
  next: (def: SourceDefinition) => SourceAdapter,
  hasProvider: (key: SourceKey) => boolean,
  env: Pick<Env, "DB" | "REGISTRY">,
): (def: SourceDefinition) => SourceAdapter {
  let adapter: SourceAdapter | undefined;
  return (def) => {
    if (def.key !== "receita_federal_cnpj" || hasProvider(def.key)) return next(def);
    return (adapter ??= createRegistryAdapter(env));
  };
}
