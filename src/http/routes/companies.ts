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
    responses: { 200: ok("The company, as of the month loaded.", Company) },
    errors: ["invalid_document", "company_not_found", "registry_not_ready"],
  }),
  async (c) => {
    const doc = validateCnpj(c.req.valid("param").cnpj);
    if (!doc.ok) throw new DomainError("invalid_document", doc.message, "cnpj");
    return c.json(await companyByCnpj(c.env, doc.value, Date.now()), 200);
  },
);

export const companiesRoutes = router([get]);
