// Review cases (contract §15) in the console: the queue and a case's page
// (evidence, match candidates beside the subject, resolve, four-eyes
// approve/return, the hash-chained timeline).
import type { FC } from "hono/jsx";
import type { Case, CaseChainView, CaseMatchView } from "../../cases/service";
import { isOverdue, NOTE_MAX_LENGTH, NOTE_MIN_LENGTH, REASON_CODE_LABELS, REASON_CODES, sameActor, type ChainProblem, type MatchCandidate } from "../../domain/cases";
import type { SubjectProfilePF, SubjectProfilePJ } from "../../domain/types";
import type { StoredResult } from "../../runs/types";
import { hasRole, type ConsoleContext } from "../context";
import { BAND_LABELS, CASE_EVENT_LABELS, CASE_REASON_LABELS, CASE_STATUS_LABELS, DECISION_LABELS, fmtDateTime, shortHash, sourceLabel } from "../format";
import { Badge, Csrf, Kv, Layout, Notice } from "../ui";
import { DecisionBadge, FindingsList } from "./runs";
import { AlertEvidence } from "./monitoring";
import type { AlertView } from "../../monitoring/alerts";
import type { SubjectView } from "../../monitoring/subjects";

export const CASE_QUEUES = {
  open: "Abertos",
  mine: "Meus",
  pending: "Aguardando aprovação",
  overdue: "Atrasados",
  all: "Todos",
} as const;
export type CaseQueue = keyof typeof CASE_QUEUES;

/** What a case reviews: its run, or a monitoring alert's subject (contract §17). */
const ReviewedLink: FC<{ c: Case }> = ({ c }) =>
  c.run_id ? (
    <a class="mono" href={`/console/runs/${c.run_id}`}>
      {c.run_id}
    </a>
  ) : (
    <a class="mono" href={`/console/monitoring?subject=${c.subject_id}`}>
      {c.alert_id}
    </a>
  );

/** A monitoring case's subject and alert, shown where a run's case shows its run. */
export interface MonitoringReview {
  subject: SubjectView | null;
  alert: AlertView | null;
}

const CaseStatusBadge: FC<{ status: string }> = ({ status }) => <Badge kind={status} label={CASE_STATUS_LABELS[status] ?? status} />;

const Overdue: FC<{ c: Case; now: Date }> = ({ c, now }) =>
  isOverdue(c, now.toISOString()) ? (
    <>
      {" "}
      <Badge kind="bad" label="Atrasado" />
    </>
  ) : null;

export const CasesPage: FC<{
  ctx: ConsoleContext;
  queue: CaseQueue;
  page: { data: Case[]; has_more: boolean; next_cursor?: string };
  now: Date;
}> = ({ ctx, queue, page, now }) => (
  <Layout title="Casos" ctx={ctx} section="cases">
    <h1>Casos de revisão</h1>
    <nav class="tabs" aria-label="Filas">
      {(Object.keys(CASE_QUEUES) as CaseQueue[]).map((q) => (
        <a href={`/console/cases?fila=${q}`} class={q === queue ? "active" : undefined} aria-current={q === queue ? "page" : undefined}>
          {CASE_QUEUES[q]}
        </a>
      ))}
    </nav>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Caso</th>
            <th>Execução</th>
            <th>Motivo</th>
            <th>Status</th>
            <th>Responsável</th>
            <th>Aberto em</th>
            <th>Prazo</th>
          </tr>
        </thead>
        <tbody>
          {page.data.length === 0 && (
            <tr>
              <td colspan={7} class="muted">
                Nenhum caso nesta fila.
              </td>
            </tr>
          )}
          {page.data.map((c) => (
            <tr>
              <td>
                <a class="mono" href={`/console/cases/${c.id}`}>
                  {c.id}
                </a>
              </td>
              <td>
                <ReviewedLink c={c} />
              </td>
              <td>{DECISION_LABELS[c.reason] ?? (c.reason === "monitoring" ? "Monitoramento" : c.reason)}</td>
              <td>
                <CaseStatusBadge status={c.status} />
                {c.resolution && (
                  <>
                    {" "}
                    <DecisionBadge d={c.resolution.outcome} />
                  </>
                )}
              </td>
              <td>{c.assignee ?? <span class="muted">ninguém</span>}</td>
              <td>{fmtDateTime(c.opened_at)}</td>
              <td>
                {fmtDateTime(c.due_at)}
                <Overdue c={c} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    <div class="pager">
      {page.next_cursor && (
        <a class="button secondary" href={`/console/cases?${new URLSearchParams({ fila: queue, cursor: page.next_cursor })}`}>
          Próxima página →
        </a>
      )}
    </div>
  </Layout>
);

// ---- candidates beside the subject ------------------------------------------------

const RECORD_LABELS: Record<string, string> = {
  nome: "Nome",
  name: "Nome",
  matched_name: "Nome encontrado",
  Nome_PEP: "Nome",
  cargo: "Cargo",
  orgao: "Órgão",
  inicio_exercicio: "Início do exercício",
  fim_carencia: "Fim da carência",
  birth_dates: "Datas de nascimento",
  nationalities: "Nacionalidades",
  programs: "Programas",
  listed_on: "Listado em",
  strength: "Força",
  reasons: "Motivos",
  motivos: "Motivos",
  explicacao: "Evidências",
  entity_type: "Tipo",
  lista: "Lista",
  list: "Lista",
};
const HIDDEN_RECORD_KEYS = new Set(["record_hash", "entity_id", "score", "list_id"]);

const show = (v: unknown): string =>
  Array.isArray(v) ? v.map(show).join(", ") : v !== null && typeof v === "object" ? JSON.stringify(v) : String(v ?? "—");

function recordFields(candidate: MatchCandidate | undefined): [string, string][] {
  if (!candidate) return [];
  try {
    const record = JSON.parse(candidate.record) as Record<string, unknown>;
    // The evidence in words first: what corroborated, what was missing (contract §14).
    const { explicacao, ...rest } = record;
    return Object.entries(explicacao === undefined ? rest : { explicacao, ...rest })
      .filter(([k, v]) => !HIDDEN_RECORD_KEYS.has(k) && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0))
      .slice(0, 12)
      .map(([k, v]) => [RECORD_LABELS[k] ?? k, show(v)]);
  } catch {
    return [];
  }
}

const SubjectSide: FC<{ stored: StoredResult | null; monitored?: MonitoringReview | null }> = ({ stored, monitored }) => {
  if (monitored) {
    const s = monitored.subject;
    return (
      <div>
        <strong>Cliente monitorado</strong>
        <dl>
          <dt>Documento</dt>
          <dd>{s?.document ?? "—"}</dd>
          <dt>Nome</dt>
          <dd>{s?.name ?? "(dados apagados)"}</dd>
          <dt>Nascimento</dt>
          <dd>{s?.birth_date ?? "—"}</dd>
          <dt>Nacionalidade</dt>
          <dd>{s?.nationality ?? "—"}</dd>
        </dl>
      </div>
    );
  }
  const body = stored?.body;
  const profile = stored?.analysis?.subject_profile;
  const rows: [string, string][] = [["Documento", body ? `${body.subject.type.toUpperCase()} ${body.subject.document}` : "—"]];
  if (profile?.type === "pf") {
    const p = profile as SubjectProfilePF;
    rows.push(["Nome", p.nome ?? "—"], ["Nascimento", p.data_nascimento ?? "—"], ["Situação", p.situacao_cadastral ?? "—"]);
  } else if (profile?.type === "pj") {
    const p = profile as SubjectProfilePJ;
    rows.push(["Razão social", p.razao_social ?? "—"], ["Abertura", p.data_abertura ?? "—"], ["Situação", p.situacao_cadastral ?? "—"]);
  }
  return (
    <div>
      <strong>Titular da execução</strong>
      <dl>
        {rows.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
    </div>
  );
};

export interface CandidateView {
  match: CaseMatchView;
  record: MatchCandidate | undefined;
}

const CandidateCard: FC<{ i: number; cand: CandidateView; stored: StoredResult | null; editable: boolean; monitored?: MonitoringReview | null }> = ({
  i,
  cand,
  stored,
  editable,
  monitored,
}) => (
  <div class="side">
    <SubjectSide stored={stored} monitored={monitored} />
    <div>
      <strong>Candidato {i + 1}</strong> · {sourceLabel(cand.match.source)}
      {cand.match.list && <span class="muted"> · lista {cand.match.list}</span>}
      <dl>
        {cand.match.name && (
          <>
            <dt>Nome listado</dt>
            <dd>{cand.match.name}</dd>
          </>
        )}
        {cand.match.score !== null && (
          <>
            <dt>Similaridade</dt>
            <dd>{Math.round(cand.match.score * 100)}%</dd>
          </>
        )}
        {recordFields(cand.record).map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
        <dt>Registro</dt>
        <dd class="mono">{cand.match.entity_id}</dd>
      </dl>
      {editable && (
        <fieldset>
          <legend>Este candidato é o titular?</legend>
          <input type="hidden" name={`m${i}_source`} value={cand.match.source} />
          <input type="hidden" name={`m${i}_list`} value={cand.match.list} />
          <input type="hidden" name={`m${i}_entity`} value={cand.match.entity_id} />
          <label class="radio">
            <input type="radio" name={`m${i}_resolution`} value="" checked /> Não avaliado
          </label>
          <label class="radio">
            <input type="radio" name={`m${i}_resolution`} value="true_match" /> Sim, é o titular
          </label>
          <label class="radio">
            <input type="radio" name={`m${i}_resolution`} value="false_positive" /> Não (falso positivo)
          </label>
        </fieldset>
      )}
    </div>
  </div>
);

// ---- the case page ---------------------------------------------------------------

const FLASH: Record<string, string> = {
  assigned: "Caso atribuído a você.",
  resolved: "Caso resolvido.",
  proposed: "Resolução proposta: aguarda a aprovação de outra pessoa (quatro olhos).",
  approved: "Proposta aprovada: caso resolvido.",
  returned: "Proposta devolvida para análise.",
};

/** Why a record does not verify, in the analyst's words (the same verdict as GET /cases/{id} `chain`). */
const CHAIN_PROBLEMS: Record<ChainProblem, string> = {
  event_hash_mismatch: "um evento foi alterado, removido ou inserido depois de registrado",
  hash_version_downgrade: "um evento foi regravado com um hash sem chave",
  length_mismatch: "o número de eventos não é o que o caso registra (evento removido ou acrescentado)",
  head_mismatch: "o último evento não é o que o caso registra",
  state_mismatch: "a situação ou a resolução do caso não correspondem aos seus eventos",
  final_decision_mismatch: "a decisão final da execução não corresponde à resolução do caso",
  anchor_mismatch: "a cadeia não contém mais o que a âncora de auditoria registrou",
  unanchored_legacy_events: "eventos antigos (sem chave) ainda não foram ancorados",
  anchor_unavailable: "a âncora de auditoria não pôde ser lida agora",
};

const ChainVerdict: FC<{ chain: CaseChainView }> = ({ chain }) =>
  chain.verified ? (
    <p class="muted">
      <Badge kind="ok" label="Cadeia íntegra" /> {chain.length} eventos assinados; cada um traz o hash do anterior
      {chain.anchor ? `, ancorados em ${fmtDateTime(chain.anchor.created_at)}` : ""}; qualquer edição quebra a cadeia.
    </p>
  ) : (
    <Notice kind="bad">Registro do caso NÃO confere: {chain.problem ? CHAIN_PROBLEMS[chain.problem] : "verificação falhou"}.</Notice>
  );

const Timeline: FC<{ c: Case; chain: CaseChainView }> = ({ c, chain }) => (
  <>
    <h2>Linha do tempo</h2>
    <ChainVerdict chain={chain} />
    <ol class="timeline">
      {c.events.map((e) => {
        const d = e.data as Record<string, unknown>;
        return (
          <li>
            <strong>{CASE_EVENT_LABELS[e.type] ?? e.type}</strong> <span class="muted">por {e.actor === "system" ? "sistema" : e.actor}</span>
            {e.via && e.via !== "system" && <span class="muted"> · via {e.via === "api" ? `API (chave ${e.key_id})` : "console"}</span>}
            <span class="muted"> · {fmtDateTime(e.at)}</span>
            {typeof d.outcome === "string" && (
              <div>
                Resultado: <DecisionBadge d={d.outcome} />
                {typeof d.reason_code === "string" && <> · {REASON_CODE_LABELS[d.reason_code as keyof typeof REASON_CODE_LABELS] ?? d.reason_code}</>}
              </div>
            )}
            {typeof d.assignee === "string" && <div>Responsável: {d.assignee}</div>}
            {typeof d.note === "string" && <div>“{d.note}”</div>}
            {typeof d.approved_by === "string" && <div>Aprovado por {d.approved_by}</div>}
            <div class="mono muted">hash {shortHash(e.hash)}</div>
          </li>
        );
      })}
    </ol>
  </>
);

const ResolveForm: FC<{ c: Case; ctx: ConsoleContext; candidates: CandidateView[]; stored: StoredResult | null; monitored?: MonitoringReview | null }> = ({
  c,
  ctx,
  candidates,
  stored,
  monitored,
}) => (
  <form method="post" action={`/console/cases/${c.id}/resolve`} class="card">
    <Csrf token={ctx.csrf} />
    <h2>Resolver</h2>
    {candidates.length > 0 && (
      <>
        <h3>Candidatos lado a lado com o titular</h3>
        {candidates.map((cand, i) => (
          <CandidateCard i={i} cand={cand} stored={stored} editable monitored={monitored} />
        ))}
        <input type="hidden" name="matches" value={String(candidates.length)} />
      </>
    )}
    <fieldset>
      <legend>Decisão</legend>
      <label class="radio">
        <input type="radio" name="outcome" value="approved" required /> Aprovar o titular
      </label>
      <label class="radio">
        <input type="radio" name="outcome" value="rejected" required /> Reprovar o titular
      </label>
    </fieldset>
    <div class="cols">
      <div>
        <label for="reason_code">Motivo</label>
        <select id="reason_code" name="reason_code" required>
          <option value="">Escolha…</option>
          {REASON_CODES.map((r) => (
            <option value={r}>{REASON_CODE_LABELS[r]}</option>
          ))}
        </select>
      </div>
      <div class="muted">
        Reprovações, e aprovações de casos retidos ou com sanção/mandado, ficam aguardando a aprovação de outra pessoa (quatro olhos).
      </div>
    </div>
    <p>
      <label for="note">Justificativa (mínimo {NOTE_MIN_LENGTH} caracteres)</label>
      <textarea id="note" name="note" required minlength={NOTE_MIN_LENGTH} maxlength={NOTE_MAX_LENGTH}></textarea>
    </p>
    <button type="submit">Registrar resolução</button>
  </form>
);

const PendingBox: FC<{ c: Case; ctx: ConsoleContext }> = ({ c, ctx }) => {
  const p = c.proposal!;
  const mine = sameActor(p.by, ctx.user.email);
  return (
    <div class="card">
      <h2>Proposta aguardando aprovação</h2>
      <p>
        <DecisionBadge d={p.outcome} /> · {REASON_CODE_LABELS[p.reason_code] ?? p.reason_code} · proposta por <strong>{p.by}</strong> em {fmtDateTime(p.at)}
      </p>
      <p>“{p.note}”</p>
      {!hasRole(ctx.user, "approver") ? (
        <Notice kind="info">Somente aprovadores podem aprovar ou devolver esta proposta.</Notice>
      ) : mine ? (
        <Notice kind="info">Você propôs esta resolução: outra pessoa deve aprová-la (quatro olhos).</Notice>
      ) : (
        <div class="cols">
          <form method="post" action={`/console/cases/${c.id}/approve`}>
            <Csrf token={ctx.csrf} />
            <p class="muted">Aprovar torna a proposta a decisão final da execução.</p>
            <button type="submit">Aprovar proposta</button>
          </form>
          <form method="post" action={`/console/cases/${c.id}/return`}>
            <Csrf token={ctx.csrf} />
            <label for="return-note">Devolver para análise, com o motivo</label>
            <textarea id="return-note" name="note" required minlength={NOTE_MIN_LENGTH} maxlength={NOTE_MAX_LENGTH}></textarea>
            <p>
              <button type="submit" class="secondary">
                Devolver para análise
              </button>
            </p>
          </form>
        </div>
      )}
    </div>
  );
};

export const CaseDetailPage: FC<{
  ctx: ConsoleContext;
  c: Case;
  stored: StoredResult | null;
  candidates: CandidateView[];
  chain: CaseChainView;
  now: Date;
  flash?: string | null;
  error?: string | null;
  monitored?: MonitoringReview | null;
}> = ({ ctx, c, stored, candidates, chain, now, flash, error, monitored }) => {
  const body = stored?.body;
  const open = c.status === "open" || c.status === "in_review";
  return (
    <Layout title={`Caso ${c.id}`} ctx={ctx} section="cases">
      <p class="muted">
        <a href="/console/cases">← Casos</a>
      </p>
      <h1 class="mono">{c.id}</h1>
      {flash && FLASH[flash] && <Notice kind="ok">{FLASH[flash]}</Notice>}
      {error && <Notice kind="bad">{error}</Notice>}
      <div class="grid">
        <Kv k="Status" v={<CaseStatusBadge status={c.status} />} />
        <Kv k="Motivo" v={CASE_REASON_LABELS[c.reason] ?? c.reason} />
        <Kv k="Responsável" v={c.assignee ?? "ninguém"} />
        <Kv
          k="Prazo"
          v={
            <>
              {fmtDateTime(c.due_at)}
              <Overdue c={c} now={now} />
            </>
          }
        />
        <Kv k="Decisão final" v={<DecisionBadge d={c.resolution?.outcome ?? null} />} />
      </div>
      <div class="card actions">
        <span>
          {c.run_id ? "Execução" : "Alerta de monitoramento"} <ReviewedLink c={c} />
        </span>
        {body && (
          <>
            <span>
              decisão <DecisionBadge d={body.decision} />
            </span>
            <span>
              operativa <DecisionBadge d={body.operative_decision} />
            </span>
            <span>
              risco <Badge kind={body.risk_band} label={body.risk_band ? BAND_LABELS[body.risk_band] : undefined} />
            </span>
          </>
        )}
        <span>aberto em {fmtDateTime(c.opened_at)}</span>
        {open && !sameActor(c.assignee, ctx.user.email) && (
          <form method="post" action={`/console/cases/${c.id}/assign`}>
            <Csrf token={ctx.csrf} />
            <button type="submit" class="secondary">
              Assumir o caso
            </button>
          </form>
        )}
      </div>

      {c.status === "resolved" && c.resolution && (
        <div class="card">
          <h2>Resolução</h2>
          <p>
            <DecisionBadge d={c.resolution.outcome} /> · {REASON_CODE_LABELS[c.resolution.reason_code] ?? c.resolution.reason_code}
          </p>
          <p>“{c.resolution.note}”</p>
          <p class="muted">
            Resolvido por {c.resolution.resolved_by}
            {c.resolution.approved_by && <>, aprovado por {c.resolution.approved_by}</>} em {fmtDateTime(c.resolution.resolved_at)} · evidência{" "}
            <span class="mono">{shortHash(c.resolution.evidence_sha256)}</span> · decisão da execução: {DECISION_LABELS[body?.decision ?? ""] ?? "—"} (mantida)
          </p>
        </div>
      )}
      {c.status === "pending_approval" && c.proposal && <PendingBox c={c} ctx={ctx} />}
      {open && <ResolveForm c={c} ctx={ctx} candidates={candidates} stored={stored} monitored={monitored} />}
      {!open && candidates.length > 0 && (
        <>
          <h2>Candidatos lado a lado com o titular</h2>
          {candidates.map((cand, i) => (
            <CandidateCard i={i} cand={cand} stored={stored} editable={false} monitored={monitored} />
          ))}
        </>
      )}

      {monitored?.alert ? (
        <>
          <h2>Evidência: o alerta</h2>
          <AlertEvidence alert={monitored.alert} />
        </>
      ) : (
        <>
          <h2>Evidência: achados da execução</h2>
          <FindingsList analysis={stored?.analysis ?? null} />
        </>
      )}

      <Timeline c={c} chain={chain} />
    </Layout>
  );
};
