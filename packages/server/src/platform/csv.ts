/**
 * CSV as RFC 4180 has it (quoted fields, doubled quotes, CRLF or LF), which is what Excel and WPS write and read.
 * Exports start with a UTF-8 byte-order mark so Excel opens Chinese text as UTF-8; imports drop it.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown): string => {
    const text = value === null || value === undefined ? '' : String(value);
    // A leading = + - @ would make a spreadsheet run the cell as a formula (CSV injection): quote it as text.
    const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `\ufeff${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Rows of cells; a malformed quote answers undefined with the line it starts on. */
export function parseCsv(input: string): { rows: string[][] } | { error: string } {
  const text = input.startsWith('\ufeff') ? input.slice(1) : input;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"') {
        if (text.charAt(i + 1) === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        const next = text.charAt(i);
        if (next !== ',' && next !== '\n' && next !== '\r' && next !== '') {
          return { error: `line ${line}: text after a closing quote` };
        }
        continue;
      }
      if (ch === '\n') line += 1;
      cell += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
      i += 1;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += ch === '\r' && text.charAt(i + 1) === '\n' ? 2 : 1;
      line += 1;
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (quoted) return { error: `line ${quoteLine}: a quote is never closed` };
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  // Blank lines (a trailing newline, an empty line between rows) are not rows.
  return { rows: rows.filter((r) => !(r.length === 1 && r[0] === '')) };
}
