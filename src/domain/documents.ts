// CPF and CNPJ: normalisation, check-digit validation, masking and the sandbox's
// fixed test documents (reference/documents.md, reference/sandbox.md).
// Pure: no imports, no I/O. Messages are pt-BR and never echo the document
// itself (it is personal data and messages end up in logs and API errors).

export type DocumentValidation = { ok: true; value: string } | { ok: false; message: string };

/** Strip `.`, `-`, `/` and white space; uppercase letters. */
export const normalizeDocument = (raw: string): string => raw.replace(/[.\-/\s]/g, "").toUpperCase();

/** Whom a normalised document names: 11 characters a person's CPF, 14 a company's CNPJ; anything else neither. */
export const documentKind = (normalized: string): "pf" | "pj" | null =>
  normalized.length === 11 ? "pf" : normalized.length === 14 ? "pj" : null;

// Value of one CNPJ/CPF character: ASCII code − 48 ('0'..'9' → 0..9, 'A'..'Z' → 17..42).
// IN RFB 2.229/2024: subtracting 55 (a common bug) rejects the official example.
const charValue = (c: string): number => c.charCodeAt(0) - 48;

/** Mod-11 check digit over `chars` with `weights` (same rule for CPF and CNPJ). */
const mod11Digit = (chars: string, weights: readonly number[]): number => {
  let sum = 0;
  for (let i = 0; i < chars.length; i++) sum += charValue(chars[i]) * weights[i];
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
};

const CPF_W1 = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CPF_W2 = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CNPJ_W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CNPJ_W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** The two check digits of a CPF given its 9 base digits. Throws on malformed input. */
export const cpfCheckDigits = (base9: string): string => {
  if (!/^\d{9}$/.test(base9)) throw new Error("cpfCheckDigits: expected 9 digits");
  const d1 = mod11Digit(base9, CPF_W1);
  const d2 = mod11Digit(base9 + d1, CPF_W2);
  return `${d1}${d2}`;
};

/** The two numeric check digits of a CNPJ given its 12 base characters `[0-9A-Z]`. Throws on malformed input. */
export const cnpjCheckDigits = (base12: string): string => {
  if (!/^[0-9A-Z]{12}$/.test(base12)) throw new Error("cnpjCheckDigits: expected 12 characters [0-9A-Z]");
  const d1 = mod11Digit(base12, CNPJ_W1);
  const d2 = mod11Digit(base12 + d1, CNPJ_W2);
  return `${d1}${d2}`;
};

const isRepeated = (s: string): boolean => s.length > 0 && s.split("").every((c) => c === s[0]);

/** Describes a bad character without echoing anything else of the document. */
const showChar = (c: string): string => {
  const code = c.codePointAt(0) ?? 0;
  return code >= 0x20 && code !== 0x7f ? `'${c}'` : `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
};

export const validateCpf = (raw: string): DocumentValidation => {
  const doc = normalizeDocument(raw);
  if (!/^\d*$/.test(doc)) return { ok: false, message: "CPF deve conter apenas dígitos." };
  if (doc.length !== 11) return { ok: false, message: `CPF deve ter 11 dígitos (recebido: ${doc.length}).` };
  if (isRepeated(doc)) return { ok: false, message: "CPF com todos os dígitos repetidos não é válido." };
  if (cpfCheckDigits(doc.slice(0, 9)) !== doc.slice(9)) {
    return { ok: false, message: "CPF com dígitos verificadores inválidos." };
  }
  return { ok: true, value: doc };
};

export const validateCnpj = (raw: string): DocumentValidation => {
  const doc = normalizeDocument(raw);
  // Iterate by code point so a stray emoji is reported whole, and counted once.
  const chars = Array.from(doc);
  if (chars.length !== 14) {
    return { ok: false, message: `CNPJ deve ter 14 caracteres (recebido: ${chars.length}).` };
  }
  const bad = chars.find((c) => !/^[0-9A-Z]$/.test(c));
  if (bad !== undefined) return { ok: false, message: `CNPJ com caractere inválido: ${showChar(bad)}.` };
  if (!/^\d{2}$/.test(doc.slice(12))) {
    return {
      ok: false,
      message: "Os dois últimos caracteres do CNPJ (dígitos verificadores) devem ser numéricos.",
    };
  }
  if (isRepeated(doc)) return { ok: false, message: "CNPJ com todos os dígitos repetidos não é válido." };
  if (cnpjCheckDigits(doc.slice(0, 12)) !== doc.slice(12)) {
    return { ok: false, message: "CNPJ com dígitos verificadores inválidos." };
  }
  return { ok: true, value: doc };
};

/**
 * Fixed sandbox documents (reference/sandbox.md), normalised. The first nine CPFs
 * and first three CNPJs reproduce kycert's published sandbox documents; most of
 * them fail the check-digit rule (only 00000000191 and 00000000000191 pass) and are
 * accepted only with test keys. The last CPF and CNPJ are this project's additions:
 * 00000001082 passes the rule; 00000000000438 does NOT (its check digits would be
 * 34), although sandbox.md says the additions pass — it is kept as documented,
 * so it too is accepted only as a sandbox test document.
 */
export const SANDBOX_TEST_DOCUMENTS = {
  pf: [
    "00000000191",
    "00000000281",
    "00000000372",
    "00000000453",
    "00000000544",
    "00000000634",
    "00000000725",
    "00000000806",
    "00000000987",
    "00000001082",
  ],
  pj: ["00000000000191", "00000000000276", "00000000000357", "00000000000438"],
} as const satisfies Record<"pf" | "pj", readonly string[]>;

export const isSandboxTestDocument = (type: "pf" | "pj", normalized: string): boolean =>
  (SANDBOX_TEST_DOCUMENTS[type] as readonly string[]).includes(normalized);

/** `52998224725` → `***.982.247-**` (digits 4–9 visible, as in the government's PEP files). */
export const maskCpf = (normalized: string): string => {
  if (normalized.length !== 11) return "***.***.***-**";
  return `***.${normalized.slice(3, 6)}.${normalized.slice(6, 9)}-**`;
};

/** The six visible digits of a CPF known only masked → `***.456.789-**`; none (null) → `***.***.***-**`. */
export const maskVisibleCpf = (visible: string | null): string =>
  visible && /^\d{6}$/.test(visible) ? `***.${visible.slice(0, 3)}.${visible.slice(3)}-**` : "***.***.***-**";

/** `11222333000181` → `11.222.333/0001-81`; works for alphanumeric CNPJs. Other lengths are returned unchanged. */
export const formatCnpj = (normalized: string): string => {
  if (normalized.length !== 14) return normalized;
  const s = normalized;
  return `${s.slice(0, 2)}.${s.slice(2, 5)}.${s.slice(5, 8)}/${s.slice(8, 12)}-${s.slice(12)}`;
};

/** How a document may be shown in reports, logs and API bodies: CPF masked, CNPJ (public) formatted in full. */
export const maskDocument = (type: "pf" | "pj", normalized: string): string =>
  type === "pf" ? maskCpf(normalized) : formatCnpj(normalized);
