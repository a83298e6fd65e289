// Byte-for-byte pin of the PDF renderer: the SHA-256 of each fixture report,
// recorded from the renderer as it was before src/reports/render.ts was split
// into one module per section (issue 12). A refactor of the renderer must keep
// every hash; a change that is meant to alter the PDFs updates the hashes here
// and bumps REPORT_RENDERER_VERSION in the same commit.
import { describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { renderReport } from "../../src/reports/render";
import type { ReportCaseResolution, ReportInput } from "../../src/reports/types";
import { failedPjInput, pfCleanInput, pfHoldInput, pj20Input, unicodeInput } from "./report-fixtures";

// 14 renders, two of them 30+ pages; leave room for a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

const RESOLUTION: ReportCaseResolution = {
  case_id: "case_01JD7ZQ0000000000000000001",
  outcome: "rejected",
  reason_code: "insufficient_information",
  reason_label: "Informações insuficientes",
  note: "Cliente não enviou o comprovante de residência solicitado.",
  resolved_by: "ana@cliente.com.br",
  approved_by: "bruno@cliente.com.br",
  resolved_at: "2026-11-27T14:05:09.000Z",
};

// Fixed timestamps: every fixture carries generatedAt = GENERATED_AT and fixed run/source times.
const CASES: [name: string, make: () => ReportInput, sha256: string][] = [
  ["PF clean, sandbox, resumido", () => pfCleanInput({ mode: "resumido" }), "482a6bccb1f6d495ff8616fc118ad27fe2eb64b9e538286c625f267aa8616d83"],
  ["PF clean, sandbox, completo", () => pfCleanInput({ mode: "completo" }), "5849fa0ac8f49bfe41b5512ac641c590bb923c1cc5fee7e1e912e8828a6e2ee3"],
  ["PF clean, live, completo", () => pfCleanInput({ mode: "completo", livemode: true }), "5c02f1253694824b02f3ee55f33e29b3d3d35b267b659ad353a391597abdefeb"],
  ["PF on hold, resumido", () => pfHoldInput({ mode: "resumido" }), "2f6fcdc663079d217d2d78a604a927141ffee2e240b1325a037db44962db1a1f"],
  ["PF on hold, completo", () => pfHoldInput({ mode: "completo" }), "7f405b2dd753f15b58bff2b2ad6c10486a6ff342a4ae11271379b37b374bfd74"],
  ["PF on hold, resolved case (two approvers), resumido", () => ({ ...pfHoldInput({ mode: "resumido" }), caseResolution: RESOLUTION }), "d08ed6dda326a8721f2d104b3e26229219cfe60c040ea7302ecb8ec28b2186d4"],
  ["PF on hold, resolved case (two approvers), completo", () => ({ ...pfHoldInput({ mode: "completo" }), caseResolution: RESOLUTION }), "b481208f356bb77f53dab9b54f80f817f273a923896606c294b8a623a0dcd3f3"],
  [
    "PF on hold, resolved case (single approver), resumido",
    () => ({ ...pfHoldInput({ mode: "resumido" }), caseResolution: { ...RESOLUTION, outcome: "approved", approved_by: null } }),
    "1ec1241a4dcd683141235cae38385f2dda3fce7e3d9dec6d0253901a103ffe36",
  ],
  ["PJ + 20 partners, sandbox, resumido", () => pj20Input({ mode: "resumido" }), "a476df5f5aa00a9c204c1b12f3470e70d7e71ca5b2ff233290a9222bfcf33596"],
  ["PJ + 20 partners, sandbox, completo", () => pj20Input({ mode: "completo" }), "4820abe595313ba98f3346783ed01a2035c584ccbed9c8cad11008833c4d15ef"],
  ["PJ + 20 partners, live, completo", () => pj20Input({ mode: "completo", livemode: true }), "e373ddb51898b7c0ddb6e17c90f35fe05765536a459f5d7cf358e3fd4edbaa5a"],
  ["hostile Unicode, resumido", () => unicodeInput("resumido"), "2e07a21dd6bc9443f2d300e2d372c95816b66976ca3a312dc0e0baa7b62c0c2e"],
  ["hostile Unicode, completo", () => unicodeInput("completo"), "77768095e7817016c0b47d64dc6deb807b6e36b061b5d44e21d0d0af0017dbec"],
  ["PJ failed before a decision, completo", failedPjInput, "5b8d51382e10fa275d89bffea290f7ba08bbe61b7dbe183f2acd085b0289f37e"],
];

describe("renderReport — fixture PDFs are byte-identical to the recorded ones", () => {
  it.each(CASES)("%s", async (_name, make, sha256) => {
    const { bytes } = await renderReport(make());
    // The same digest the report service stores with each PDF (ReportObject.sha256).
    expect(await sha256Hex(bytes)).toBe(sha256);
  });
});
