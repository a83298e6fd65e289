// Request schemas of the report routes (contract §9). The OpenAPI document is generated from these.
import { z } from "zod";
import type { ReportMode } from "../../reports/types";

export const REPORT_MODES = ["resumido", "completo"] as const satisfies readonly ReportMode[];

export const ReportQuerySchema = z.object({ mode: z.enum(REPORT_MODES) });
