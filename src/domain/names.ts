// Comparing a person's or company's name as typed in two places (a Receita answer
// and the request, a finding's match and a later one). Not the screening matcher
// (src/screening/match), which scores similar names; this says "the same name".

/** Upper case, no accents, punctuation as spaces, single spaces: the same name typed two ways gives one key. */
export const nameKey = (name: string): string =>
  name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
