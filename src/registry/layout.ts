// The monthly release's files (reference/cnpj-open-data.md §2–4): 37 ZIPs of
// one member each, no header, `;`-separated, every field quoted. Column order
// is the contract; a row with another column count is a layout change and
// stops the build (silently shifted columns would serve wrong data).

export type DataKind = "empresas" | "estabelecimentos" | "socios" | "simples";
export type TableKind = "cnaes" | "motivos" | "municipios" | "naturezas" | "paises" | "qualificacoes";
export type FileKind = DataKind | TableKind;

export interface ReleaseFile {
  /** The official file name in the month's folder. */
  name: string;
  kind: FileKind;
  /** The member's suffix (`…EMPRECSV`) or, for Simples, its infix. */
  member: RegExp;
  columns: number;
}

const TABLES: ReadonlyArray<[string, TableKind, string]> = [
  ["Cnaes", "cnaes", "CNAECSV"],
  ["Motivos", "motivos", "MOTICSV"],
  ["Municipios", "municipios", "MUNICCSV"],
  ["Naturezas", "naturezas", "NATJUCSV"],
  ["Paises", "paises", "PAISCSV"],
  ["Qualificacoes", "qualificacoes", "QUALSCSV"],
];

export const COLUMNS: Readonly<Record<FileKind, number>> = {
  empresas: 7,
  estabelecimentos: 30,
  socios: 11,
  simples: 7,
  cnaes: 2,
  motivos: 2,
  municipios: 2,
  naturezas: 2,
  paises: 2,
  qualificacoes: 2,
};

/** Every file of a month, reference tables first (the data rows are labelled with them at lookup, but a missing table fails the build early). */
export const RELEASE_FILES: readonly ReleaseFile[] = [
  ...TABLES.map(([stem, kind, suffix]) => ({
    name: `${stem}.zip`,
    kind,
    member: new RegExp(`^F\\.K03200\\$Z\\.(D\\d{5})\\.${suffix}$`),
    columns: COLUMNS[kind],
  })),
  { name: "Simples.zip", kind: "simples", member: /^F\.K03200\$W\.SIMPLES\.CSV\.(D\d{5})$/, columns: COLUMNS.simples },
  ...(["Empresas", "Estabelecimentos", "Socios"] as const).flatMap((stem) =>
    Array.from({ length: 10 }, (_, i) => {
      const kind: DataKind = stem === "Empresas" ? "empresas" : stem === "Estabelecimentos" ? "estabelecimentos" : "socios";
      const suffix = stem === "Empresas" ? "EMPRECSV" : stem === "Estabelecimentos" ? "ESTABELE" : "SOCIOCSV";
      return { name: `${stem}${i}.zip`, kind, member: new RegExp(`^K3241\\.K03200Y${i}\\.(D\\d{5})\\.${suffix}$`), columns: COLUMNS[kind] };
    }),
  ),
];

export const isTableKind = (k: FileKind): k is TableKind => TABLES.some(([, kind]) => kind === k);

/** The extraction token (`D60808`) a member name carries, or null when the name is not the one this file must hold. */
export function memberToken(file: ReleaseFile, memberName: string): string | null {
  return file.member.exec(memberName)?.[1] ?? null;
}
