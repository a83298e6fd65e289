import { z } from "zod";
import { SCOPES } from "../../lib/api-keys";
import { SOURCE_KEYS } from "../../sources/catalog";

export const CreateTenantSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]*$/, "use letras minúsculas, dígitos e hífen"),
  credits: z.number().int().min(0).max(1_000_000_000).default(0),
});

export const PatchTenantSchema = z
  .strictObject({
    status: z.enum(["active", "suspended"]).optional(),
    credits: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .optional()
      .meta({ description: "Sets the balance to this absolute value, overwriting any reservation made since it was read; prefer credits_delta." }),
    credits_delta: z
      .number()
      .int()
      .min(-1_000_000_000)
      .max(1_000_000_000)
      .optional()
      .meta({
        description:
          "Adds this amount to the balance (negative to remove) in one atomic update, keeping concurrent reservations; refused with credits_below_zero if the balance would go below zero.",
      }),
    case_sla_hours: z
      .number()
      .int()
      .min(1)
      .max(8760)
      .optional()
      .meta({ description: "Review-case SLA in hours: a case is due this long after it opens (default 48). Applies to cases opened from now on." }),
    monitoring_retention_days: z
      .number()
      .int()
      .min(0)
      .max(3650)
      .optional()
      .meta({
        description:
          "Days a stopped monitored subject's personal data is kept before it is erased (default 30; 0 erases it within the minute). Applies to subjects stopped from now on; alerts and cases keep their own record.",
      }),
  })
  .refine(
    (p) =>
      p.status !== undefined || p.credits !== undefined || p.credits_delta !== undefined || p.case_sla_hours !== undefined || p.monitoring_retention_days !== undefined,
    "informe status, credits, credits_delta, case_sla_hours ou monitoring_retention_days",
  )
  .refine((p) => p.credits === undefined || p.credits_delta === undefined, "informe credits (valor absoluto) ou credits_delta (ajuste), não os dois");

export const CreateApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  environment: z.enum(["live", "test"]),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .optional()
    .meta({ description: "Default: runs:write, runs:read, detail:read (reports:write is for the dashboard)." }),
  rate_limit_per_minute: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .meta({ description: "Requests per minute for this key; without it, the service default (RATE_LIMIT_PER_MINUTE)." }),
});

export const TemplateSourceSchema = z.strictObject({
  source: z.enum(SOURCE_KEYS as [string, ...string[]]),
  phase: z.enum(["critical", "important", "additional"]),
  on_hit: z.enum(["block", "review", "info"]),
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  weight: z.number().min(0).max(100).optional(),
  timeout_ms: z.number().int().min(100).max(60_000).optional(),
});

export const TemplateDefinitionSchema = z.strictObject({
  tenant_id: z.string().min(1).nullable().default(null),
  name: z.string().trim().min(1).max(200),
  subject_type: z.enum(["pf", "pj"]),
  parametros_schema: z.record(z.string(), z.unknown()),
  sources: z.array(TemplateSourceSchema).min(1).max(30),
  partner_runs: z
    .strictObject({
      template_id: z.string().min(1),
      max_partners: z.number().int().min(1).max(20),
      require_full_cpf: z.boolean().optional().meta({
        description:
          "A partner known only by a masked CPF (the open CNPJ data masks every partner's) is screened on the lists; `true`: the partner template's checks that need the full CPF, not run for it, put the company on `hold`. Default false.",
      }),
    })
    .nullable()
    .default(null),
  thresholds: z
    .strictObject({ medio: z.number().min(0).max(100), alto: z.number().min(0).max(100) })
    .default({ medio: 20, alto: 40 }),
});

// The admin service's input type (src/admin/service.ts TemplateDefinition) is what this validates to.
export type TemplateDefinitionBody = z.infer<typeof TemplateDefinitionSchema>;
