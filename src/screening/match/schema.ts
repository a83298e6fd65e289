import type { MatchSchema } from "./normalize";

/** The scoring schema for a listed entity's type (src/screening/types.ts EntityType). */
export function schemaForEntityType(entityType: string): MatchSchema {
  switch (entityType) {
    case "person":
      return "Person";
    case "organization":
      return "Company";
    case "vessel":
      return "Vessel";
    case "aircraft":
      return "Airplane";
    default:
      return "LegalEntity";
  }
}

/**
 * The schema to score a query against a listed entity with: the query's type when
 * given (search `type`: "pf" → Person, "pj" → Company), else the entity's. When
 * they disagree (a "pf" query against an organisation) LegalEntity applies both
 * rule sets rather than forcing one side's.
 */
export function schemaFor(queryType: "pf" | "pj" | null | undefined, entityType: string): MatchSchema {
  const listed = schemaForEntityType(entityType);
  if (!queryType) return listed;
  const q: MatchSchema = queryType === "pf" ? "Person" : "Company";
  if (listed === "LegalEntity" || listed === q) return q;
  if (q === "Company" && (listed === "Vessel" || listed === "Airplane")) return listed;
  return "LegalEntity";
}

/**
 * Whether a query of this type may match a listed entity of that type at all: a
 * person ("pf") is never an organisation, a vessel or an aircraft; an
 * organisation ("pj") is never a person. Unknown types stay comparable.
 */
export function typesCompatible(queryType: "pf" | "pj" | null | undefined, entityType: string): boolean {
  if (!queryType) return true;
  const listed = schemaForEntityType(entityType);
  if (listed === "LegalEntity") return true;
  return queryType === "pf" ? listed === "Person" : listed !== "Person";
}
