// The company registry (contract §18): the lookup's answer and the admin view,
// as the OpenAPI document shows them and test/openapi.test.ts checks real responses.
import { z } from "zod";
import { component } from "./responses";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const nullableDate = z.union([date, z.null()]);
const timestamp = z.iso.datetime();
const str = z.union([z.string(), z.null()]);

const CodedShape = z.strictObject({
  code: z.string().meta({ description: "The code as the file has it, leading zeros kept." }),
  label: str.meta({ description: "From the month's reference tables or the code tables; null when they lack the code." }),
});
const Coded = component("RegistryCode", CodedShape, "A code of the Receita's file and its label.");
const NullableCoded = z.union([Coded, z.null()]);

const Option = z.union([
  z.strictObject({ optante: z.union([z.boolean(), z.null()]), desde: nullableDate, ate: nullableDate }),
  z.null(),
]);

export const CompanyPartner = component(
  "CompanyPartner",
  z.strictObject({
    nome: str,
    tipo: z.union([z.enum(["pf", "pj", "estrangeiro"]), z.null()]),
    documento: str.meta({ description: "A person's CPF as the file masks it (`***456789**`); a company's CNPJ in full; null when the file has none." }),
    qualificacao: NullableCoded,
    desde: nullableDate,
    faixa_etaria: NullableCoded.meta({ description: "Age band on the extraction date; null when not applicable (companies, foreigners)." }),
    pais: NullableCoded,
  }),
  "A partner or administrator in the company's QSA.",
);

export const Company = component(
  "Company",
  z.strictObject({
    object: z.literal("company"),
    cnpj: z.string().meta({ description: "The establishment asked for, formatted (`12.ABC.345/01DE-35` for an alphanumeric CNPJ)." }),
    cnpj_root: z.string().meta({ description: "The first 8 characters: the company, all its establishments." }),
    matriz: z.boolean().meta({ description: "true for the head office; a branch answers as itself (its own situação, address, activity)." }),
    razao_social: str.meta({ description: "An individual entrepreneur's CPF written into the name is masked (`***456789**`)." }),
    nome_fantasia: str,
    situacao_cadastral: z.strictObject({
      code: str,
      label: str.meta({ description: "NULA, ATIVA, SUSPENSA, INAPTA or BAIXADA." }),
      since: nullableDate,
      reason: NullableCoded,
    }),
    data_abertura: nullableDate,
    natureza_juridica: NullableCoded,
    porte: NullableCoded,
    capital_social: z.union([z.number(), z.null()]).meta({ description: "BRL, as the file has it." }),
    cnae_principal: NullableCoded,
    cnaes_secundarios: z.array(Coded),
    endereco: z.strictObject({
      logradouro: str,
      numero: str,
      complemento: str,
      bairro: str,
      cep: str.meta({ description: "8 digits (a CEP that lost its leading zero gets it back); null when the file's is junk." }),
      municipio: NullableCoded.meta({ description: "The Receita's municipality code (not IBGE's) and its name." }),
      uf: str,
      pais: NullableCoded,
    }),
    simples: Option,
    mei: Option,
    socios: z.array(CompanyPartner),
    estabelecimentos: z.number().int().meta({ description: "Establishments of the company (head office and branches)." }),
    source: z.strictObject({ month: z.string(), extraction_date: date }),
  }),
  "A CNPJ as the Receita Federal's monthly open data has it (no e-mail or telephone is served).",
);

export const RegistryStatus = component(
  "RegistryStatus",
  z.strictObject({
    status: z.enum(["empty", "building", "ready", "error"]).meta({
      description: "`building` while the newest build runs; `error` when it failed (the previous month keeps serving); `ready` when a month serves; `empty` before the first.",
    }),
    version: z
      .union([
        z.strictObject({
          month: z.string(),
          extraction_date: date,
          companies: z.number().int(),
          establishments: z.number().int(),
          partners: z.number().int(),
          built_at: timestamp,
        }),
        z.null(),
      ])
      .meta({ description: "The month serving lookups and runs." }),
    building_since: z.union([timestamp, z.null()]),
    last_error: z.union([z.strictObject({ at: timestamp, month: z.string(), message: z.string() }), z.null()]),
  }),
  "The company registry: the month serving and the newest build.",
);

export const RegistryRefreshSchema = z.strictObject({
  month: z.string().regex(/^\d{4}-\d{2}$/).meta({ description: "The release folder, YYYY-MM (2021-03 or later)." }),
});
