import type { IncomingHttpHeaders } from 'node:http';
import { fenToYuan } from '../../src/money/payments/amounts';

export interface DoubleRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface DoubleResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** A gateway's route table: answers the request, or undefined when the path is not its own. */
export type Handler = (req: DoubleRequest) => Promise<DoubleResponse | undefined>;

export function json(status: number, value: unknown, headers: Record<string, string> = {}): DoubleResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function text(status: number, body: string, type = 'text/plain; charset=utf-8'): DoubleResponse {
  return { status, headers: { 'content-type': type }, body };
}

export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Beijing wall-clock time, which both gateways write: "2024-01-01 12:00:00" and its RFC 3339 form. */
export function beijing(ms: number): { plain: string; rfc3339: string; date: string } {
  const s = new Date(ms + 8 * 3600 * 1000).toISOString();
  return { plain: `${s.slice(0, 10)} ${s.slice(11, 19)}`, rfc3339: `${s.slice(0, 19)}+08:00`, date: s.slice(0, 10) };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The stand-in cashier a shopper's browser lands on: one button that pays through the double's control route
 * (`/__double/{payPath}`), then returns to the merchant's return URL when there is one.
 */
export function cashierPage(title: string, payPath: string, amountFen: bigint, returnUrl?: string): string {
  const back =
    returnUrl === undefined ? '' : `<input type="hidden" name="return_url" value="${escapeHtml(returnUrl)}">`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}（测试替身）</title></head><body><h1>${escapeHtml(title)}（测试替身 test double）</h1>
<p>¥${fenToYuan(amountFen)}</p><form method="post" action="/__double/${escapeHtml(payPath)}">${back}
<button type="submit">确认付款 Pay</button></form></body></html>`;
}
