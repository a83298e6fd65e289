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
  ["PF clean, sandbox, resumido", () => pfCleanInput({ mode: "resumido" }), "0aabf691c90d8175040f88798d05d77db6bb4245d06abc0e841e2f9bd25d1657"],
  ["PF clean, sandbox, completo", () => pfCleanInput({ mode: "completo" }), "1dd1739d0860026a322cda18a50fc3d01e22fc668535c1b0eb1e2cb0bfc2a36a"],
  ["PF clean, live, completo", () => pfCleanInput({ mode: "completo", livemode: true }), "e8cde7268b6eb013650702f137a3bfc68593181b6bf884a1ff16efb6eb0314b9"],
  ["PF on hold, resumido", () => pfHoldInput({ mode: "resumido" }), "51ed2d7c33c2f94e15e1fdc2308d61c36567fe44ec3b51683168b764b129e7eb"],
  ["PF on hold, completo", () => pfHoldInput({ mode: "completo" }), "252ccd4838bb47ba893bb0b8108295c5c5395cf3ffcd7786aa0ae89005c86a99"],
  ["PF on hold, resolved case (two approvers), resumido", () => ({ ...pfHoldInput({ mode: "resumido" }), caseResolution: RESOLUTION }), "c222a15849ff76f8c19af9380aed8bc9d6000aa749874df705f17576c751a22e"],
  ["PF on hold, resolved case (two approvers), completo", () => ({ ...pfHoldInput({ mode: "completo" }), caseResolution: RESOLUTION }), "fbcd29f83be9b3c94c76dfcc53b9d913bbf8650ae21d8868df27c1834cbf1e8a"],
  [
    "PF on hold, resolved case (single approver), resumido",
    () => ({ ...pfHoldInput({ mode: "resumido" }), caseResolution: { ...RESOLUTION, outcome: "approved", approved_by: null } }),
    "727913532dd7d18cebc4587bbff6bf48adb6626ed6d46cd443a4658e44fbd092",
  ],
  ["PJ + 20 partners, sandbox, resumido", () => pj20Input({ mode: "resumido" }), "12bf46c8f44b8f7b9986e5e31c6564d8fbc9b60f2ff0cea419cc8ed7bf87d3fe"],
  ["PJ + 20 partners, sandbox, completo", () => pj20Input({ mode: "completo" }), "df5e05715a99b84cc36651b78ef195521b37017d7f1a4ac574de4e1746f69738"],
  ["PJ + 20 partners, live, completo", () => pj20Input({ mode: "completo", livemode: true }), "7729f2d2b8345bf32848d8f27ef0b899baf45898b2b54e1151398efb0fac536e"],
  ["hostile Unicode, resumido", () => unicodeInput("resumido"), "d00b0dc12f4388ed26e002ea89d47701fc4ae6ac3f03b6fd09f9b635502da931"],
  ["hostile Unicode, completo", () => unicodeInput("completo"), "18b2eea08a148bc7b5ede1413ce61a5f016e4e2d51c7d67655aff79955b6ac80"],
  ["PJ failed before a decision, completo", failedPjInput, "53a3c5e3ef088dbb131b1d250d1fbf75193eba7a500f0e5a947595a8b5ad51ab"],
];

describe("renderReport — fixture PDFs are byte-identical to the recorded ones", () => {
  it.each(CASES)("%s", async (_name, make, sha256) => {
    const { bytes } = await renderReport(make());
    // The same digest the report service stores with each PDF (ReportObject.sha256).
    expect(await sha256Hex(bytes)).toBe(sha256);
  });
});
