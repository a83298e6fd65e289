// pt-BR words for what the console shows: statuses, decisions, bands, roles, dates.
import { SOURCE_CATALOG } from "../sources/catalog";
import { formatSaoPaulo } from "../domain/dates";
import type { SourceKey } from "../domain/types";

export const RUN_STATUS_LABELS: Record<string, string> = {
  queued: "Na fila",
  running: "Executando",
  em_analise: "Em análise",
  completed: "Concluída",
  failed: "Falhou",
  partial: "Parcial",
  cancelado: "Cancelada",
};

export const DECISION_LABELS: Record<string, string> = {
  approved: "Aprovado",
  rejected: "Reprovado",
  review: "Revisão",
  hold: "Retido",
};

export const BAND_LABELS: Record<string, string> = { baixo: "Baixo", medio: "Médio", alto: "Alto" };

export const SOURCE_STATUS_LABELS: Record<string, string> = {
  VALID: "Sem ocorrência",
  INVALID: "Ocorrência",
  NO_DATA: "Sem dados",
  ERROR: "Erro",
};

export const SEVERITY_ORDER = ["critico", "alto", "medio", "baixo", "info"] as const;
export const SEVERITY_LABELS: Record<string, string> = { critico: "Crítica", alto: "Alta", medio: "Média", baixo: "Baixa", info: "Informativa" };

export const PHASE_LABELS: Record<string, string> = { critical: "Crítica", important: "Importante", additional: "Complementar" };

export const ROLE_LABELS: Record<string, string> = { analyst: "Analista", approver: "Aprovador", admin: "Administrador" };

export const CASE_STATUS_LABELS: Record<string, string> = {
  open: "Aberto",
  in_review: "Em análise",
  pending_approval: "Aguardando aprovação",
  resolved: "Resolvido",
};

export const CASE_REASON_LABELS: Record<string, string> = {
  review: "Decisão em revisão",
  hold: "Decisão retida (fonte crítica sem resposta)",
  monitoring: "Monitoramento: cliente encontrado em nova versão de lista, ou cadastro da empresa alterado",
};

export const ALERT_KIND_LABELS: Record<string, string> = {
  match_created: "Nova correspondência",
  match_updated: "Registro listado alterado",
  entity_delisted: "Retirado da lista",
  pep_grace_ended: "Fim do período de PEP",
  company_status_changed: "Situação cadastral alterada",
  qsa_changed: "Quadro societário alterado",
};

export const ALERT_STATUS_LABELS: Record<string, string> = { open: "Aberto", closed: "Fechado" };

export const SUBJECT_STATUS_LABELS: Record<string, string> = { active: "Ativo", stopped: "Encerrado" };

export const IMPORT_STATUS_LABELS: Record<string, string> = { processing: "Processando", completed: "Concluída", failed: "Falhou" };

export const STRENGTH_LABELS: Record<string, string> = { strong: "Forte", possible: "Possível" };

export const CASE_EVENT_LABELS: Record<string, string> = {
  opened: "Caso aberto",
  assigned: "Caso atribuído",
  proposed: "Resolução proposta",
  returned: "Proposta devolvida",
  resolved: "Caso resolvido",
};

export const LIST_STATUS_LABELS: Record<string, string> = { empty: "Não carregada", loading: "Carregando", ready: "Pronta", error: "Erro" };

export const sourceLabel = (key: string): string => SOURCE_CATALOG[key as SourceKey]?.label ?? key;

/** Times shown in São Paulo time with the offset ("26/11/2026 17:44 (UTC-03:00)"), the analysts' clock. */
export const fmtDateTime = (iso: string | null | undefined): string => (iso ? formatSaoPaulo(Date.parse(iso), { seconds: false }) : "—");

export const shortHash = (h: string | null | undefined): string => (h ? `${h.slice(0, 10)}…` : "—");
