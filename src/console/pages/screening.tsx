// Screening search against the self-hosted lists, and the lists' status
// (contract §14). An empty result must always mean "screened, nothing found":
// a list that is not loaded says so instead.
import type { FC } from "hono/jsx";
import type { SearchMatch } from "../../screening/client";
import { explainReasons } from "../../screening/match/explain";
import type { ListView } from "../../screening/ingest";
import type { ConsoleContext } from "../context";
import { fmtDateTime, LIST_STATUS_LABELS, shortHash } from "../format";
import { Badge, Csrf, Layout, Notice } from "../ui";

export interface ScreeningForm {
  name?: string;
  type?: string;
  birth_date?: string;
  document?: string;
  list?: string;
}

export const ScreeningPage: FC<{
  ctx: ConsoleContext;
  lists: ListView[];
  form: ScreeningForm;
  result: {
    matches: SearchMatch[];
    cleared: { list: string; entity_id: string; matched_name: string; detail: string }[];
    lists: { id: string; sha256: string }[];
    took_ms: number;
  } | null;
  error: string | null;
}> = ({ ctx, lists, form, result, error }) => {
  const ready = lists.filter((l) => l.version);
  return (
    <Layout title="Triagem" ctx={ctx} section="screening">
      <h1>Triagem em listas restritivas</h1>
      {ready.length === 0 ? (
        <Notice kind="warn">
          <strong>Lista não carregada.</strong> Nenhuma lista de sanções ou PEP tem uma versão carregada ainda, então nenhuma busca pode ser feita: um resultado vazio
          aqui significaria "não verificado", não "nada encontrado". {ctx.user.role === "admin" ? "Veja o status em Listas." : "Avise um administrador."}
        </Notice>
      ) : (
        ready.length < lists.length && (
          <Notice kind="info">
            {lists.length - ready.length} de {lists.length} listas não estão carregadas; a busca usa só as {ready.length} prontas.
          </Notice>
        )
      )}
      <form class="filters" method="post" action="/console/screening">
        <Csrf token={ctx.csrf} />
        <div>
          <label for="s-name">Nome</label>
          <input id="s-name" name="name" value={form.name ?? ""} required maxlength={300} size={32} />
        </div>
        <div>
          <label for="s-type">Tipo</label>
          <select id="s-type" name="type">
            <option value="">Qualquer</option>
            <option value="pf" selected={form.type === "pf"}>
              Pessoa física
            </option>
            <option value="pj" selected={form.type === "pj"}>
              Pessoa jurídica
            </option>
          </select>
        </div>
        <div>
          <label for="s-birth">Nascimento (AAAA ou AAAA-MM-DD)</label>
          <input id="s-birth" name="birth_date" value={form.birth_date ?? ""} size={12} />
        </div>
        <div>
          <label for="s-doc">CPF/CNPJ</label>
          <input id="s-doc" name="document" value={form.document ?? ""} size={18} />
        </div>
        <div>
          <label for="s-list">Lista</label>
          <select id="s-list" name="list">
            <option value="">Todas as prontas</option>
            {ready.map((l) => (
              <option value={l.id} selected={form.list === l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" disabled={ready.length === 0}>
            Buscar
          </button>
        </div>
      </form>
      {error && <Notice kind="bad">{error}</Notice>}
      {result && (
        <>
          <p class="muted">
            {result.matches.length === 0 ? "Nenhuma correspondência" : `${result.matches.length} correspondência(s)`} em {result.lists.length} lista(s) ·{" "}
            {result.took_ms} ms
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Nome listado</th>
                  <th>Lista</th>
                  <th>Similaridade</th>
                  <th>Tipo</th>
                  <th>Nascimento</th>
                  <th>Nacionalidade</th>
                  <th>Programas</th>
                </tr>
              </thead>
              <tbody>
                {result.matches.length === 0 && (
                  <tr>
                    <td colspan={7} class="muted">
                      Verificado: nenhum registro acima do limiar nas listas consultadas.
                    </td>
                  </tr>
                )}
                {result.matches.map((m) => (
                  <tr>
                    <td>
                      <strong>{m.name}</strong>
                      {m.matched_name !== m.name && <div class="muted">como “{m.matched_name}”</div>}
                      <div class="mono muted">{m.entity_id}</div>
                    </td>
                    <td>{m.list}</td>
                    <td>
                      {Math.round(m.score * 100)}% <Badge kind={m.strength === "strong" ? "bad" : "warn"} label={m.strength === "strong" ? "forte" : "possível"} />
                      <div class="muted">{explainReasons(m.reasons)}</div>
                    </td>
                    <td>{m.entity_type}</td>
                    <td>{m.birth_dates.join(", ") || "—"}</td>
                    <td>{m.nationalities.join(", ") || "—"}</td>
                    <td>{m.programs.join(", ") || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.cleared.length > 0 && (
            <>
              <h2>Homônimos descartados</h2>
              <p class="muted">Nomes que conferem, mas com um identificador que contradiz o titular: não são correspondências.</p>
              <ul>
                {result.cleared.map((c) => (
                  <li>
                    <strong>{c.matched_name}</strong> ({c.list}, <span class="mono">{c.entity_id}</span>): {c.detail}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </Layout>
  );
};

export const ListsPage: FC<{ ctx: ConsoleContext; lists: ListView[] }> = ({ ctx, lists }) => (
  <Layout title="Listas" ctx={ctx} section="lists">
    <h1>Status das listas</h1>
    <p class="muted">Cópias próprias das listas oficiais, atualizadas por agendamento. Uma nova versão passa a valer inteira, de uma vez.</p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Lista</th>
            <th>Status</th>
            <th>Versão em uso</th>
            <th>Entidades / nomes</th>
            <th>Último erro</th>
          </tr>
        </thead>
        <tbody>
          {lists.map((l) => (
            <tr>
              <td>
                <strong>{l.name}</strong>
                <div class="mono muted">{l.id}</div>
              </td>
              <td>
                <Badge kind={l.status} label={LIST_STATUS_LABELS[l.status]} />
                {l.loading_since && <div class="muted">carregando desde {fmtDateTime(l.loading_since)}</div>}
              </td>
              <td>
                {l.version ? (
                  <>
                    <span class="mono">{shortHash(l.version.sha256)}</span>
                    <div class="muted">baixada em {fmtDateTime(l.version.fetched_at)}</div>
                  </>
                ) : (
                  <span class="muted">nenhuma (lista não carregada)</span>
                )}
              </td>
              <td>{l.version ? `${l.version.entities.toLocaleString("pt-BR")} / ${l.version.names.toLocaleString("pt-BR")}` : "—"}</td>
              <td>
                {l.last_error ? (
                  <>
                    <div>{l.last_error.message}</div>
                    <div class="muted">{fmtDateTime(l.last_error.at)}</div>
                  </>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  </Layout>
);
