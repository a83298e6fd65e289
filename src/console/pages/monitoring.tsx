// Ongoing monitoring (contract §17) in the console: the monitored customers,
// the open alerts with their review cases, and the imports with the rows they
// rejected.
import type { FC } from "hono/jsx";
import type { AlertView } from "../../monitoring/alerts";
import type { ImportView } from "../../monitoring/imports";
import type { SubjectView } from "../../monitoring/subjects";
import { REGISTRY_ALERT_SOURCE } from "../../domain/monitoring";
import { explainReasons } from "../../screening/match/explain";
import type { ConsoleContext } from "../context";
import { ALERT_KIND_LABELS, fmtDateTime, IMPORT_STATUS_LABELS, shortHash, STRENGTH_LABELS, SUBJECT_STATUS_LABELS } from "../format";
import { Badge, Kv, Layout, Notice } from "../ui";

/** A rejected row of an import, as its errors CSV lists it. */
export interface RejectedRow {
  line: string;
  external_id: string;
  document: string;
  reason: string;
}

export interface ImportWithErrors {
  import: ImportView;
  /** The first rejected rows (the whole list is the CSV download). */
  rejected: RejectedRow[];
}

/** What matched, in words: the listed record, the strength, the reasons. */
export const AlertEvidence: FC<{ alert: AlertView }> = ({ alert }) => (
  <div class="card">
    <div class="grid">
      <Kv k="Tipo" v={ALERT_KIND_LABELS[alert.kind] ?? alert.kind} />
      <Kv k="Lista" v={alert.list === REGISTRY_ALERT_SOURCE ? "Cadastro CNPJ (dados abertos da Receita)" : alert.list} />
      <Kv k="Registro listado" v={`${alert.entity_name} (${alert.entity_id})`} />
      <Kv k="Nome correspondente" v={alert.matched_name} />
      <Kv k="Força" v={alert.strength ? <Badge kind={alert.strength === "strong" ? "bad" : "warn"} label={STRENGTH_LABELS[alert.strength]} /> : "—"} />
      <Kv k="Pontuação" v={alert.score === null ? "—" : alert.score.toFixed(3)} />
      <Kv k="Versão da lista" v={<span class="mono">{shortHash(alert.list_version.sha256)}</span>} />
      <Kv k="Alerta" v={<span class="mono">{alert.id}</span>} />
    </div>
    {alert.list === REGISTRY_ALERT_SOURCE ? (
      // A company alert's reasons are already sentences (what the registry's new month changed).
      <ul>
        {alert.reasons.map((r) => (
          <li>{r}</li>
        ))}
      </ul>
    ) : (
      alert.reasons.length > 0 && <p>{explainReasons(alert.reasons as Parameters<typeof explainReasons>[0])}</p>
    )}
  </div>
);

export const MonitoringPage: FC<{
  ctx: ConsoleContext;
  subject: SubjectView | null;
  subjects: { data: SubjectView[]; has_more: boolean; next_cursor?: string };
  alerts: { data: AlertView[]; has_more: boolean };
  imports: ImportWithErrors[];
}> = ({ ctx, subject, subjects, alerts, imports }) => (
  <Layout title="Monitoramento" ctx={ctx} section="monitoring">
    <h1>Monitoramento contínuo</h1>
    <p class="muted">
      Cada cliente monitorado é triado de novo a cada nova versão de cada lista; um cliente encontrado abre um alerta e um caso de revisão.
    </p>

    {subject && (
      <Notice kind="info">
        Alertas do cliente <strong>{subject.name ?? "(dados apagados)"}</strong> ({subject.document}) · <a href="/console/monitoring">ver todos</a>
      </Notice>
    )}

    <h2 id="alertas">Alertas abertos</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Alerta</th>
            <th>Tipo</th>
            <th>Lista</th>
            <th>Registro listado</th>
            <th>Força</th>
            <th>Caso</th>
            <th>Criado em</th>
          </tr>
        </thead>
        <tbody>
          {alerts.data.length === 0 && (
            <tr>
              <td colspan={7} class="muted">
                Nenhum alerta aberto.
              </td>
            </tr>
          )}
          {alerts.data.map((a) => (
            <tr>
              <td class="mono">{a.id}</td>
              <td>{ALERT_KIND_LABELS[a.kind] ?? a.kind}</td>
              <td>{a.list}</td>
              <td>
                {a.entity_name}
                {a.matched_name !== a.entity_name && <span class="muted"> · como “{a.matched_name}”</span>}
              </td>
              <td>{a.strength ? <Badge kind={a.strength === "strong" ? "bad" : "warn"} label={STRENGTH_LABELS[a.strength]} /> : "—"}</td>
              <td>
                {a.case_id ? (
                  <a class="mono" href={`/console/cases/${a.case_id}`}>
                    {a.case_id}
                  </a>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td>{fmtDateTime(a.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {alerts.has_more && <p class="muted">Há mais alertas abertos: veja GET /api/v1/monitoring/alerts?status=open.</p>}

    <h2 id="clientes">Clientes monitorados</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Cliente</th>
            <th>Documento</th>
            <th>Nome</th>
            <th>Status</th>
            <th>Alertas abertos</th>
            <th>Última triagem</th>
          </tr>
        </thead>
        <tbody>
          {subjects.data.length === 0 && (
            <tr>
              <td colspan={6} class="muted">
                Nenhum cliente monitorado neste ambiente.
              </td>
            </tr>
          )}
          {subjects.data.map((s) => (
            <tr>
              <td>
                <a class="mono" href={`/console/monitoring?subject=${s.id}`}>
                  {s.id}
                </a>
              </td>
              <td class="mono">{s.document}</td>
              <td>{s.name ?? <span class="muted">(dados apagados)</span>}</td>
              <td>
                <Badge kind={s.status === "active" ? "ok" : "muted"} label={SUBJECT_STATUS_LABELS[s.status]} />
              </td>
              <td>{s.open_alerts > 0 ? <Badge kind="bad" label={String(s.open_alerts)} /> : "0"}</td>
              <td>{fmtDateTime(s.last_screened_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {subjects.has_more && subjects.next_cursor && (
      <p>
        <a href={`/console/monitoring?cursor=${encodeURIComponent(subjects.next_cursor)}`}>Mais clientes →</a>
      </p>
    )}

    <h2 id="importacoes">Importações</h2>
    {imports.length === 0 && <p class="muted">Nenhuma importação neste ambiente.</p>}
    {imports.map(({ import: i, rejected }) => (
      <div class="card">
        <p>
          <span class="mono">{i.id}</span> · <Badge kind={i.status === "completed" ? "ok" : i.status === "failed" ? "bad" : "warn"} label={IMPORT_STATUS_LABELS[i.status]} /> ·{" "}
          {i.rows_total} linhas: {i.rows_enrolled} cadastradas, {i.rows_updated} já monitoradas, {i.rows_rejected} recusadas · {i.alerts_opened} alertas · enviada em{" "}
          {fmtDateTime(i.created_at)}
        </p>
        {i.error && <Notice kind="bad">{i.error}</Notice>}
        {rejected.length > 0 && (
          <details>
            <summary>
              Linhas recusadas ({i.rows_rejected}) · <a href={`/console/monitoring/imports/${i.id}/errors`}>baixar CSV</a>
            </summary>
            <table>
              <thead>
                <tr>
                  <th>Linha</th>
                  <th>ID externo</th>
                  <th>Documento</th>
                  <th>Motivo</th>
                </tr>
              </thead>
              <tbody>
                {rejected.map((r) => (
                  <tr>
                    <td>{r.line}</td>
                    <td>{r.external_id}</td>
                    <td class="mono">{r.document}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        )}
      </div>
    ))}
  </Layout>
);
