import type ExcelJS from 'exceljs';

// Loaded at the first XLSX read or write: exceljs costs about 25 MiB of resident memory that a server serving no
// spreadsheet should not carry (issue 14: RSS under load).
const excel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;
import { parseCsv, toCsv } from './csv';
import { fail } from './errors';

/**
 * Tables in and out as CSV or XLSX (exceljs). Cells are text both ways: money goes out as yuan text ("12.50") and is
 * parsed back exactly, never through a float; an XLSX number cell is read as the text Excel shows for it.
 */
export type SheetFormat = 'csv' | 'xlsx';

export const SHEET_TYPES: Record<SheetFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The most rows one upload may carry: larger files are split by the operator. */
export const MAX_SHEET_ROWS = 5000;

// Text the databases cannot store (NUL, lone surrogates) or that has no place in a cell.
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function sheetFormatOf(bytes: Uint8Array): SheetFormat {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b) ? 'xlsx' : 'csv';
}

/** Our CSV export quotes a cell that a spreadsheet would run as a formula ('=…); reading it back drops the quote. */
function unquoteFormula(text: string): string {
  return /^'[=+\-@]/.test(text) ? text.slice(1) : text;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  if (typeof value === 'object' && 'text' in value) return String(value.text);
  if (typeof value === 'object' && 'result' in value) return value.result === undefined ? '' : String(value.result);
  return '';
}

/** The rows of an uploaded CSV (UTF-8) or XLSX (first sheet), trimmed; refuses unreadable or oversized files. */
export async function readSheet(bytes: Uint8Array): Promise<string[][]> {
  if (bytes.length === 0) fail('invalid_file', 'the file is empty');
  let rows: string[][];
  if (sheetFormatOf(bytes) === 'xlsx') {
    const book = new (await excel()).Workbook();
    try {
      await book.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
    } catch {
      fail('invalid_file', 'not a readable XLSX file');
    }
    const sheet = book.worksheets[0];
    rows = [];
    sheet?.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c += 1) cells.push(cellText(row.getCell(c).value));
      rows.push(cells);
    });
  } else {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (text.includes('\ufffd')) fail('invalid_file', 'the CSV is not UTF-8 (save it as "CSV UTF-8")');
    const parsed = parseCsv(text);
    if ('error' in parsed) fail('invalid_file', parsed.error);
    rows = parsed.rows;
  }
  if (rows.length > MAX_SHEET_ROWS + 1) fail('invalid_file', `at most ${MAX_SHEET_ROWS} rows per file`);
  return rows.map((r) => r.map((c) => unquoteFormula(c.trim())));
}

/** Whether a cell holds text the databases cannot store. */
export function badText(text: string): boolean {
  return FORBIDDEN.test(text);
}

export async function writeSheet(
  format: SheetFormat,
  sheetName: string,
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(toCsv(header, rows), 'utf8');
  const book = new (await excel()).Workbook();
  const sheet = book.addWorksheet(sheetName);
  sheet.addRow([...header]);
  sheet.getRow(1).font = { bold: true };
  // Text cells, so ids and codes keep their leading zeros and money keeps its two decimals.
  for (const row of rows) sheet.addRow(row.map((c) => String(c)));
  header.forEach((_h, i) => {
    sheet.getColumn(i + 1).width = 18;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
