/**
 * Catalog rules that both the server and a scenario can rely on: spec attributes (颜色 x 尺码) and the SKU matrix
 * their values make, and yuan text as staff type it in forms and spreadsheets.
 */
export interface SpecAttribute {
  name: string;
  values: string[];
}

export const SPEC_LIMITS = { attributes: 3, values: 30, skus: 300, text: 30 } as const;

/** Every combination of one value per attribute, the first attribute varying slowest: [[红, S], [红, M], ...]. */
export function specMatrix(specs: readonly SpecAttribute[]): string[][] {
  let rows: string[][] = [[]];
  for (const spec of specs) rows = rows.flatMap((row) => spec.values.map((value) => [...row, value]));
  return specs.length === 0 ? [] : rows;
}

/** The key of one combination, as a map key and a default SKU name: "红 / S". */
export function specKey(values: readonly string[]): string {
  return values.join(' / ');
}

/**
 * Why a product's specs and its SKUs' spec values do not fit, or undefined. Without specs every SKU has no values;
 * with specs each SKU has exactly one known value per attribute and no two SKUs share a combination (a combination
 * may be left out: a colour that does not come in XL).
 */
export function specProblem(
  specs: readonly SpecAttribute[],
  skuValues: readonly (readonly string[])[],
): string | undefined {
  if (specs.length > SPEC_LIMITS.attributes) return `at most ${SPEC_LIMITS.attributes} spec attributes`;
  const names = new Set<string>();
  for (const spec of specs) {
    const name = spec.name.trim();
    if (name === '' || name.length > SPEC_LIMITS.text) return 'a spec attribute needs a name of at most 30 characters';
    if (names.has(name)) return `spec attribute ${name} appears twice`;
    names.add(name);
    if (spec.values.length === 0 || spec.values.length > SPEC_LIMITS.values)
      return `spec attribute ${name} needs 1 to ${SPEC_LIMITS.values} values`;
    const values = new Set<string>();
    for (const value of spec.values) {
      if (value.trim() === '' || value.length > SPEC_LIMITS.text) return `a value of ${name} is empty or too long`;
      if (values.has(value)) return `value ${value} of ${name} appears twice`;
      values.add(value);
    }
  }
  if (skuValues.length > SPEC_LIMITS.skus) return `at most ${SPEC_LIMITS.skus} SKUs`;
  const seen = new Set<string>();
  for (const values of skuValues) {
    if (values.length !== specs.length)
      return `each SKU needs one value for each of the ${specs.length} spec attributes`;
    for (const [i, value] of values.entries()) {
      const spec = specs[i];
      if (spec !== undefined && !spec.values.includes(value)) return `${value} is not a value of ${spec.name}`;
    }
    const key = specKey(values);
    if (specs.length > 0 && seen.has(key)) return `two SKUs share ${key}`;
    seen.add(key);
  }
  return undefined;
}

/** "12.34" -> 1234n fen; "12" and "12.5" too; undefined for anything else (no sign, no exponent, at most 2 decimals). */
export function parseYuan(text: string): bigint | undefined {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (match === null) return undefined;
  return BigInt(match[1] ?? '0') * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}
