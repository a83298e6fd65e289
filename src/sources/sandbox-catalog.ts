// The sandbox's fixed test documents and what each one produces, as integrators
// read them: in the OpenAPI document and /docs (src/http/openapi/generate.ts)
// and in docs/sandbox.md. test/sandbox-fixtures.test.ts runs every row through
// the real pipeline and checks the outcome written here, and
// test/node/docs.test.ts that docs/sandbox.md lists every row, so what the
// documents promise is what a sandbox key gets.
import { validateCnpj, validateCpf } from "../domain/documents";
import type { Decision, OperativeDecision, RiskBand, RunStatus, SubjectType } from "../domain/types";

export interface SandboxDocument {
  type: SubjectType;
  /** As an integrator would send it (punctuation is ignored). */
  document: string;
  status: RunStatus;
  decision: Decision | null;
  operative_decision: OperativeDecision | null;
  risk_band: RiskBand | null;
  /** What the run shows, in the words of the docs. */
  scenario: string;
}

export const SANDBOX_DOCUMENTS: readonly SandboxDocument[] = [
  { type: "pf", document: "000.000.001-91", status: "completed", decision: "approved", operative_decision: "approved", risk_band: "baixo", scenario: "Clean: every source VALID, no findings." },
  { type: "pf", document: "000.000.002-81", status: "completed", decision: "rejected", operative_decision: "rejected", risk_band: "alto", scenario: "CPF cancelled at Receita (`receita_federal_cpf` INVALID): a critical block, later sources are not called (`skipped_sources`)." },
  { type: "pf", document: "000.000.003-72", status: "completed", decision: "rejected", operative_decision: "rejected", risk_band: "alto", scenario: "Active arrest warrant (`cnj_mandados_prisao`), a critical block." },
  { type: "pf", document: "000.000.004-53", status: "completed", decision: "review", operative_decision: "review", risk_band: "alto", scenario: "Active PEP (`pep_coaf`): decision review, a review case opens." },
  { type: "pf", document: "000.000.005-44", status: "completed", decision: "rejected", operative_decision: "rejected", risk_band: "alto", scenario: "OFAC SDN match (`ofac_sdn`), a critical block." },
  { type: "pf", document: "000.000.006-34", status: "completed", decision: "review", operative_decision: "review", risk_band: "alto", scenario: "Protests on record (`protestos`)." },
  { type: "pf", document: "000.000.007-25", status: "completed", decision: "review", operative_decision: "review", risk_band: "alto", scenario: "Administrative improbity conviction (`cgu_cnc`)." },
  { type: "pf", document: "000.000.008-06", status: "partial", decision: "approved", operative_decision: "hold", risk_band: "medio", scenario: "Three sources time out, one of them tier 1 (`cnj_mandados_prisao`, `protestos`, `trf_processos` end in ERROR): status partial, operative decision hold, a review case opens." },
  { type: "pf", document: "000.000.009-87", status: "completed", decision: "rejected", operative_decision: "rejected", risk_band: "alto", scenario: "Every negative flag at once: the first critical block (`receita_federal_cpf`) stops the run." },
  { type: "pf", document: "000.000.010-82", status: "failed", decision: null, operative_decision: null, risk_band: null, scenario: "Every source ends in ERROR: status failed, no decision, `run.failed` is sent." },
  { type: "pj", document: "00.000.000/0001-91", status: "completed", decision: "approved", operative_decision: "approved", risk_band: "baixo", scenario: "Clean company; a QSA of two clean partners (two partner runs)." },
  { type: "pj", document: "00.000.000/0002-76", status: "completed", decision: "rejected", operative_decision: "rejected", risk_band: "alto", scenario: "OFAC sanction on the company (`ofac_sdn`), a critical block: no partner runs." },
  { type: "pj", document: "00.000.000/0003-57", status: "completed", decision: "review", operative_decision: "review", risk_band: "medio", scenario: "A partner in the QSA is a PEP: the partner run ends review, so does the company." },
  { type: "pj", document: "00.000.000/0004-38", status: "completed", decision: "review", operative_decision: "review", risk_band: "alto", scenario: "Employer on the slave-labour registry (`sit_trabalho_escravo`)." },
  { type: "pj", document: "00.000.000/0005-15", status: "completed", decision: "approved", operative_decision: "approved", risk_band: "baixo", scenario: "One clean PF partner plus three QSA entries no partner run can screen (a company, a masked CPF, a foreigner): each in `unscreened_partners` and a finding." },
  { type: "pj", document: "00.000.000/0006-04", status: "completed", decision: "approved", operative_decision: "approved", risk_band: "baixo", scenario: "22 clean PF partners: 20 partner runs (the template's cap), the other two in `unscreened_partners`." },
  { type: "pj", document: "00.000.000/0007-87", status: "completed", decision: "review", operative_decision: "review", risk_band: "alto", scenario: "A clean company whose first partner is on OFAC SDN (the CPF fixture 000.000.005-44): the partner run is rejected, the company goes to review, and approving its case needs four eyes." },
  { type: "pj", document: "00.000.000/0020-54", status: "completed", decision: "approved", operative_decision: "approved", risk_band: "baixo", scenario: "Clean company with 20 clean PF partners (20 partner runs), for load tests." },
];

/** The run a sandbox key gets for any other valid document. */
export const SANDBOX_OTHER_DOCUMENTS =
  "Any other valid CPF or CNPJ: every source VALID (decision approved, band baixo), with a synthetic profile (name, birth date or company data, QSA) derived from the document, so the same document always gives the same run.";

/**
 * A test value that fails the CPF/CNPJ check-digit rule: only a sandbox key
 * accepts it (a live key gets invalid_document).
 */
export const isSandboxOnly = (d: Pick<SandboxDocument, "type" | "document">): boolean =>
  !(d.type === "pf" ? validateCpf(d.document) : validateCnpj(d.document)).ok;
