// /api/v1/companies — company lookups in the service's own copy of the
// Receita's open CNPJ data (contract §18). Public registry data: sandbox and
// live keys read the same month, nothing of a tenant is read or written.
import { z } from "zod";
import { validateCnpj } from "../../domain/documents";
import { DomainError } from "../../domain/errors";
import { companyByCnpj } from "../../registry/service";
import { defineRoute, ok, route, router } from "../openapi/route";
import { Company } from "../schemas/registry";

const CnpjParams = z.object({
  cnpj: z.string().meta({
    description: "A CNPJ, numeric or alphanumeric, with or without punctuation (`11222333000181`, `11.222.333/0001-81`, `12.ABC.345/01DE-35`).",
    example: "12.ABC.345/01DE-35",
  }),
});

/** The reference's example: a branch of a synthetic month (names and numbers invented). */
const EXAMPLE: z.infer<typeof Company> = {
  object: "company",
  cnpj: "81.549.191/0002-28",
  cnpj_root: "81549191",
  matriz: false,
  razao_social: "OESTE LOGISTICA LTDA",
  nome_fantasia: "ALFA & CIA",
  situacao_cadastral: { code: "02", label: "ATIVA", since: "2005-02-12", reason: { code: "00", label: "SEM MOTIVO" } },
  data_abertura: "2005-02-12",
  natureza_juridica: { code: "2062", label: "Sociedade Empresária Limitada" },
  porte: { code: "03", label: "EMPRESA DE PEQUENO PORTE" },
  capital_social: 2305869,
  cnae_principal: { code: "0111301", label: "Cultivo de arroz" },
  cnaes_secundarios: [{ code: "6920601", label: "Atividades de contabilidade" }],
  endereco: {
    logradouro: "TRAVESSA CENTRAL SANTOS",
    numero: "S/N",
    complemento: "ANDAR 4",
    bairro: "ZONA RURAL",
    cep: "21155204",
    municipio: { code: "6001", label: "RIO DE JANEIRO" },
    uf: "RJ",
    pais: null,
  },
  simples: { optante: false, desde: "2008-08-09", ate: "2024-06-28" },
  mei: { optante: false, desde: null, ate: null },
  socios: [
    {
      nome: "MARCIA MENDES LOPES",
      tipo: "pf",
      documento: "***661258**",
      qualificacao: { code: "49", label: "Sócio-Administrador" },
      desde: "2001-11-27",
      faixa_etaria: { code: "3", label: "21 a 30 anos" },
      pais: null,
    },
  ],
  estabelecimentos: 3,
  source: { month: "2026-08", extraction_date: "2026-08-08" },
};

const get = defineRoute(
  route({
    method: "get",
    path: "/companies/{cnpj}",
    operationId: "getCompany",
    tag: "Companies",
    summary: "Look a company up in the Receita Federal's open CNPJ data",
    description:
      "The establishment asked for (a branch answers as itself) with its company's data and QSA, from the month the service has loaded (`source`). Labels come from that month's reference tables and the code tables. Dates `YYYY-MM-DD` or null (the file's zero and impossible dates are null). No e-mail or telephone is served; an individual entrepreneur's CPF written into the company name is masked, as are partners' CPFs (as the file has them). Bad check digits → 400 `invalid_document`; a CNPJ the month does not have → 404 `company_not_found`; no month loaded yet → 503 `registry_not_ready`. Nothing is charged.",
    auth: "api_key",
    scope: "registry:read",
    request: { params: CnpjParams },
    responses: { 200: ok("The company, as of the month loaded.", Company, [], EXAMPLE) },
    errors: ["invalid_document", "company_not_found", "registry_not_ready"],
  }),
  async (c) => {
    const doc = validateCnpj(c.req.valid("param").cnpj);
    if (!doc.ok) throw new DomainError("invalid_document", doc.message, "cnpj");
    return c.json(await companyByCnpj(c.env, doc.value, Date.now()), 200);
  },
);

export const companiesRoutes = router([get]);
