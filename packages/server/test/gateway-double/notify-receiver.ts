import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkAgainstPayment,
  type AckVerdict,
  type ExpectedPayment,
  type GatewayProvider,
  type NotificationResult,
} from '../../src/money/payments/gateway';

/**
 * The merchant's side for tests: our orders as a database would hold them, and a notify endpoint that runs the
 * provider's verification, the order check and an apply-once step (the check-and-set a conditional UPDATE does in
 * the server), answering with the provider's acknowledgement.
 */
export interface PaymentBook {
  expected: Map<string, ExpectedPayment>;
  /** outTradeNo -> gateway txn id, set once. */
  paid: Map<string, string>;
  /** Our refunds by out_refund_no, and which have been confirmed. */
  refunds: Map<string, { outTradeNo: string; refundFen: bigint; confirmed: boolean }>;
  /** How many times a payment moved money: must stay 1 per order whatever the gateway sends. */
  applications: Map<string, number>;
}

export function newBook(): PaymentBook {
  return { expected: new Map(), paid: new Map(), refunds: new Map(), applications: new Map() };
}

export interface Received {
  result: NotificationResult;
  verdict: AckVerdict;
  status: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Applies a verified event to the book; the verdict says what the gateway is told. */
export function applyEvent(provider: GatewayProvider, book: PaymentBook, result: NotificationResult): AckVerdict {
  if (!result.ok) return 'refused';
  const e = result.event;
  if (e.kind === 'payment_succeeded') {
    const check = checkAgainstPayment(provider.gateway, e, book.expected.get(e.outTradeNo));
    if (check !== 'ok') return 'refused';
    if (!book.paid.has(e.outTradeNo)) {
      book.paid.set(e.outTradeNo, e.gatewayTxnId);
      book.applications.set(e.outTradeNo, (book.applications.get(e.outTradeNo) ?? 0) + 1);
    }
    return 'accepted';
  }
  if (e.kind === 'refund_succeeded') {
    const refund = book.refunds.get(e.outRefundNo);
    // A refund we have not recorded yet (our write is still in flight): ask the gateway to send it again later.
    if (refund === undefined) return 'retry';
    if (refund.outTradeNo !== e.outTradeNo) return 'refused';
    refund.confirmed = true;
    return 'accepted';
  }
  return 'accepted';
}

/** `provider` is read per request, so the receiver can start before the provider that names its URL exists. */
export async function startNotifyReceiver(provider: () => GatewayProvider, book: PaymentBook) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const p = provider();
      const result = await p.parseNotification({ headers: req.headers, rawBody }, Date.now());
      const verdict = applyEvent(p, book, result);
      const ack = p.acknowledgement(verdict);
      received.push({ result, verdict, status: ack.status });
      res.writeHead(ack.status, { 'content-type': ack.contentType });
      res.end(ack.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return {
    url,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
