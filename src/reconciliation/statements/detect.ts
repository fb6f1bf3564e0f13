/**
 * Which statement format a file is, from its first bytes (content first, file name as a tie
 * breaker). Pure.
 */
import { TextDecoder } from 'node:util';
import { StatementFormatError, type StatementFormat } from './statement-line.js';

/** Enough of the file to see the XML root and its namespace, or the first MT940 tags. */
export const DETECT_BYTES = 4096;

const startsWith = (b: Buffer, ...bytes: number[]): boolean => bytes.every((x, i) => b[i] === x);

/**
 * 'camt053' | 'camt054' for ISO 20022 XML (by namespace or message element), 'mt940' for SWIFT
 * text (":20:" / "{1:" / a bank header line at the start, or tags such as :25: :60F: :61:), 'xlsx'
 * for a zip holding an Excel workbook, 'xls' for an OLE file (Excel 97–2003), else 'csv'. PDFs,
 * HTML pages and other binary files are refused with a message saying what to export instead.
 */
export function detectStatementFormat(firstBytes: Buffer, filename?: string): StatementFormat {
  const name = (filename ?? '').toLowerCase();
  const refuse = (what: string): never => {
    throw new StatementFormatError(
      1,
      `${what} cannot be imported: export the statement as CSV, Excel, camt.053/camt.054 XML or MT940`,
    );
  };
  if (startsWith(firstBytes, 0x50, 0x4b, 0x03, 0x04)) {
    // A zip: an .xlsx holds "xl/…" parts (and "[Content_Types].xml"); .docx, .ods and others are refused.
    const names = firstBytes.toString('latin1');
    if (names.includes('xl/') || name.endsWith('.xlsx') || name.endsWith('.xlsm')) return 'xlsx';
    refuse('a zip file that is not an Excel workbook');
  }
  if (startsWith(firstBytes, 0xd0, 0xcf, 0x11, 0xe0)) return 'xls'; // OLE: the Excel 97–2003 .xls
  if (startsWith(firstBytes, 0x25, 0x50, 0x44, 0x46)) refuse('a PDF statement');

  let text: string;
  if (startsWith(firstBytes, 0xff, 0xfe)) text = new TextDecoder('utf-16le').decode(firstBytes);
  else if (startsWith(firstBytes, 0xfe, 0xff)) text = new TextDecoder('utf-16be').decode(firstBytes);
  else {
    if (firstBytes.includes(0)) refuse('a binary file');
    text = new TextDecoder('utf-8').decode(firstBytes);
  }
  text = text.replace(/^\uFEFF/, '').trimStart();

  if (/^<(!doctype\s+html|html|table|meta|head|body)\b/i.test(text)) {
    refuse('an HTML page (a web ".xls" export)');
  }
  if (text.startsWith('<')) {
    if (/camt\.054|<([\w-]+:)?BkToCstmrDbtCdtNtfctn\b/.test(text)) return 'camt054';
    if (/camt\.053|<([\w-]+:)?BkToCstmrStmt\b/.test(text)) return 'camt053';
    if (/camt\.052|<([\w-]+:)?BkToCstmrAcctRpt\b/.test(text)) {
      refuse('a camt.052 intraday account report');
    }
    return /054/.test(name) ? 'camt054' : 'camt053';
  }
  const body = text.replace(/^[\x01\x03]+/, '');
  if (/^(\{1:|:20:|:940:|0000 \d{2}[A-Z]{6}|[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?\r?\n940)/.test(body) || /^:(25|28C|60F|61):/m.test(text)) return 'mt940';
  if (/\.(mt940|940|sta)$/.test(name)) return 'mt940';
  return 'csv';
}
