// What every section function receives: the layout cursor, the report input,
// and the run's template entry for a source key. Also the renderer version,
// printed in the appendix and in the PDF metadata.
import type { TemplateSource } from "../../domain/types";
import type { Layout } from "../layout";
import type { ReportInput } from "../types";

/** Bumped whenever the layout or content of reports changes. */
export const REPORT_RENDERER_VERSION = "2";

export interface Ctx {
  L: Layout;
  input: ReportInput;
  tplSource: (key: string) => TemplateSource | undefined;
}
