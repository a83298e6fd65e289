// Runs: the list with the API's filters (contract §6) and a run's detail.
// Data comes from the same services the API uses (src/runs/service.ts).
import type { FC } from "hono/jsx";
import type { BureauRunAnalysis, Finding } from "../../domain/types";
import type { runSummary } from "../../runs/views";
import type { StoredResult } from "../../runs/types";
import type { ConsoleContext } from "../context";
import {
  BAND_LABELS,
  DECISION_LABELS,
  fmtDateTime,
  PHASE_LABELS,
  RUN_STATUS_LABELS,
  SEVERITY_LABELS,
  SEVERITY_ORDER,
  SOURCE_STATUS_LABELS,
  sourceLabel,
} from "../format";
import { Badge, Csrf, Kv, Layout, Notice } from "../ui";

type RunSummary = ReturnType<typeof runSummary> & { case_id?: string | null; final_decision?: string | null };

export const RUN_FILTERS = ["status", "template_id", "external_id", "created_gte", "created_lte"] as const;
export type RunFilters = Partial<Record<(typeof RUN_FILTERS)[number], string>>;

const STATUS_OPTIONS = ["queued", "running", "em_analise", "completed", "partial", "failed", "cancelado"];

export const DecisionBadge: FC<{ d: string | null | undefined }> = ({ d }) => <Badge kind={d} label={d ? DECISION_LABELS[d] ?? d : undefined} />;

export const RunsPage: FC<{
  ctx: ConsoleContext;
  filters: RunFilters;
  page: { data: RunSummary[]; has_more: boolean; next_cursor?: string } | null;
  error: string | null;
}> = ({ ctx, filters, page, error }) => {
  const nextHref = page?.next_cursor
    ? `/console/runs?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), cursor: page.next_cursor })}`
    : null;
  return (
    <Layout title="Execuções" ctx={ctx} section="runs">
      <h1>Execuções</h1>
      <form class="filters" method="get" action="/console/runs">
        <div>
          <label for="f-status">Status</label>
          <select id="f-status" name="status">
            <option value="">Todos</option>
            {STATUS_OPTIONS.map((s) => (
              <option value={s} selected={filters.status === s}>
                {RUN_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-template">Template</label>
          <input id="f-template" name="template_id" value={filters.template_id ?? ""} placeholder="tpl_pf_padrao" size={16} />
        </div>
        <div>
          <label for="f-external">ID externo</label>
          <input id="f-external" name="external_id" value={filters.external_id ?? ""} size={16} />
        </div>
        <div>
          <label for="f-gte">Criada a partir de</label>
          <input id="f-gte" type="date" name="created_gte" value={filters.created_gte ?? ""} />
        </div>
        <div>
          <label for="f-lte">Criada até</label>
          <input id="f-lte" type="date" name="created_lte" value={filters.created_lte ?? ""} />
        </div>
        <div class="actions">
          <button type="submit">Filtrar</button>
          <a class="button secondary" href="/console/runs">
            Limpar
          </a>
        </div>
      </form>
      {error && <Notice kind="bad">{error}</Notice>}
      {page && (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Criada em</th>
                  <th>Execução</th>
                  <th>Titular</th>
                  <th>Template</th>
                  <th>Status</th>
                  <th>Decisão</th>
                  <th>Operativa</th>
                  <th>Risco</th>
                  <th>Caso</th>
                </tr>
              </thead>
              <tbody>
                {page.data.length === 0 && (
                  <tr>
                    <td colspan={9} class="muted">
                      Nenhuma execução encontrada com estes filtros.
                    </td>
                  </tr>
                )}
                {page.data.map((r) => (
                  <tr>
                    <td>{fmtDateTime(r.created_at)}</td>
                    <td>
                      <a class="mono" href={`/console/runs/${r.id}`}>
                        {r.id}
                      </a>
                      {r.external_id && <div class="muted">{r.external_id}</div>}
                    </td>
                    <td class="mono">{r.subject.document}</td>
                    <td>{r.template.id}</td>
                    <td>
                      <Badge kind={r.status} label={RUN_STATUS_LABELS[r.status] ?? r.status} />
                    </td>
                    <td>
                      <DecisionBadge d={r.decision} />
                    </td>
                    <td>
                      <DecisionBadge d={r.operative_decision} />
                    </td>
                    <td>
                      <Badge kind={r.risk_band} label={r.risk_band ? BAND_LABELS[r.risk_band] : undefined} />
                    </td>
                    <td>
                      {r.case_id ? (
                        <a href={`/console/cases/${r.case_id}`}>{r.final_decision ? DECISION_LABELS[r.final_decision] ?? "ver" : "abrir"}</a>
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="pager">
            {nextHref && (
              <a class="button secondary" href={nextHref}>
                Próxima página →
              </a>
            )}
          </div>
        </>
      )}
    </Layout>
  );
};

const bySeverity = (findings: Finding[]) =>
  SEVERITY_ORDER.map((s) => ({ severity: s, items: findings.filter((f) => f.severity === s) })).filter((g) => g.items.length > 0);

export const FindingsList: FC<{ analysis: BureauRunAnalysis | null }> = ({ analysis }) => {
  if (!analysis || analysis.findings.length === 0) return <p class="muted">Nenhum achado.</p>;
  return (
    <>
      {bySeverity(analysis.findings).map((g) => (
        <section>
          <h3>
            <Badge kind={g.severity} label={`Severidade ${SEVERITY_LABELS[g.severity].toLowerCase()}`} /> <span class="muted">({g.items.length})</span>
          </h3>
          {g.items.map((f) => (
            <div class={`finding s-${f.severity}`}>
              <strong>{f.title}</strong>
              {f.title !== sourceLabel(f.source) && <span class="muted"> · {f.source === "partner_runs" ? "Sócios" : sourceLabel(f.source)}</span>}
              <div>{f.description}</div>
            </div>
          ))}
        </section>
      ))}
    </>
  );
};

export const RunDetailPage: FC<{
  ctx: ConsoleContext;
  run: { id: string; status: string; created_at: string; final_decision: string | null };
  stored: StoredResult | null;
  caseId: string | null;
}> = ({ ctx, run, stored, caseId }) => {
  const body = stored?.body;
  return (
    <Layout title={`Execução ${run.id}`} ctx={ctx} section="runs">
      <p class="muted">
        <a href="/console/runs">← Execuções</a>
      </p>
      <h1 class="mono">{run.id}</h1>
      {!body ? (
        <Notice kind="info">
          Execução {RUN_STATUS_LABELS[run.status]?.toLowerCase() ?? run.status}: a decisão aparece quando terminar. Recarregue a página em alguns segundos.
        </Notice>
      ) : (
        <>
          <div class="grid">
            <Kv k="Status" v={<Badge kind={body.status} label={RUN_STATUS_LABELS[body.status]} />} />
            <Kv k="Decisão" v={<DecisionBadge d={body.decision} />} />
            <Kv k="Decisão operativa" v={<DecisionBadge d={body.operative_decision} />} />
            <Kv k="Faixa de risco" v={<Badge kind={body.risk_band} label={body.risk_band ? BAND_LABELS[body.risk_band] : undefined} />} />
            <Kv k="Decisão final (caso)" v={<DecisionBadge d={run.final_decision} />} />
          </div>
          <div class="card">
            <div class="grid">
              <div>
                <label>Titular</label>
                <span class="mono">
                  {body.subject.type.toUpperCase()} {body.subject.document}
                </span>
              </div>
              <div>
                <label>Template</label>
                {body.template.id} v{body.template.version}
              </div>
              <div>
                <label>Criada / concluída</label>
                {fmtDateTime(body.created_at)} / {fmtDateTime(body.completed_at)}
              </div>
              <div>
                <label>ID externo</label>
                {body.external_id ?? "—"}
              </div>
              <div>
                <label>Créditos</label>
                {body.credits_used}
              </div>
            </div>
          </div>
          <div class="actions card">
            <strong>Caso de revisão:</strong>
            {caseId ? (
              <a href={`/console/cases/${caseId}`} class="mono">
                {caseId}
              </a>
            ) : (
              <span class="muted">nenhum (a execução não terminou em revisão nem retida)</span>
            )}
            <span class="spacer" />
            <strong>Relatórios:</strong>
            {run.status === "cancelado" ? (
              <span class="muted">execução cancelada, sem relatório</span>
            ) : (
              (["resumido", "completo"] as const).map((mode) => (
                <form method="post" action={`/console/runs/${run.id}/report`}>
                  <Csrf token={ctx.csrf} />
                  <input type="hidden" name="mode" value={mode} />
                  <button type="submit" class="secondary">
                    PDF {mode}
                  </button>
                </form>
              ))
            )}
          </div>

          <h2>Achados por severidade</h2>
          <FindingsList analysis={stored!.analysis} />

          <h2>Fontes</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Fonte</th>
                  <th>Fase</th>
                  <th>Status</th>
                  <th>Verificações</th>
                  <th>Duração</th>
                  <th>Tentativas</th>
                </tr>
              </thead>
              <tbody>
                {body.sources.map((s) => (
                  <tr>
                    <td>{sourceLabel(s.source)}</td>
                    <td>{PHASE_LABELS[s.phase]}</td>
                    <td>
                      <Badge kind={s.status} label={SOURCE_STATUS_LABELS[s.status]} />
                      {s.reason && <div class="muted">{s.reason}</div>}
                    </td>
                    <td class="mono">
                      {Object.entries(s.checks).map(([k, v]) => (
                        <div>
                          {k}: {v}
                        </div>
                      ))}
                    </td>
                    <td>{s.duration_ms} ms</td>
                    <td>{s.attempts}</td>
                  </tr>
                ))}
                {body.skipped_sources.map((s) => (
                  <tr>
                    <td>{sourceLabel(s)}</td>
                    <td colspan={5} class="muted">
                      não consultada (a execução parou antes)
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {(body.partner_runs.length > 0 || body.unscreened_partners.length > 0) && (
            <>
              <h2>Sócios</h2>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Nome</th>
                      <th>Documento</th>
                      <th>Qualificação</th>
                      <th>Execução</th>
                      <th>Decisão</th>
                    </tr>
                  </thead>
                  <tbody>
                    {body.partner_runs.map((p) => (
                      <tr>
                        <td>{p.name}</td>
                        <td class="mono">{p.document}</td>
                        <td>{p.qualificacao}</td>
                        <td>
                          {p.run_id ? (
                            <a class="mono" href={`/console/runs/${p.run_id}`}>
                              {p.run_id}
                            </a>
                          ) : (
                            <span class="muted">triado nas listas (CPF mascarado)</span>
                          )}
                        </td>
                        <td>
                          <DecisionBadge d={p.operative_decision ?? p.decision} />
                          {p.reason && <div class="muted">{p.reason}</div>}
                          {(p.matches ?? []).map((m) => (
                            <div class="muted">
                              {String(m.lista ?? "")}: {String(m.nome ?? "")} — {String(m.explicacao ?? "")}
                            </div>
                          ))}
                          {(p.checks_not_run ?? []).length > 0 && (
                            <div class="muted">não executadas (exigem CPF completo): {(p.checks_not_run ?? []).map(sourceLabel).join(", ")}</div>
                          )}
                        </td>
                      </tr>
                    ))}
                    {body.unscreened_partners.map((u) => (
                      <tr>
                        <td>{u.name}</td>
                        <td class="mono">{u.document ?? "—"}</td>
                        <td>{u.qualificacao}</td>
                        <td class="muted">não analisado</td>
                        <td class="muted">{u.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {body.parent_run_id && (
            <p>
              Execução de sócio da empresa{" "}
              <a class="mono" href={`/console/runs/${body.parent_run_id}`}>
                {body.parent_run_id}
              </a>
              .
            </p>
          )}
        </>
      )}
    </Layout>
  );
};
