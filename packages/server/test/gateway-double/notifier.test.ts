import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALIPAY_RETRY_SECONDS, Notifier, WECHAT_RETRY_SECONDS } from './notifier';

let server: Server;
let url = '';
let answers: number[] = [];
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = answers[hits] ?? 500;
      hits += 1;
      res.writeHead(status).end(status === 200 ? 'success' : 'fail');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const build = () => ({ headers: { 'content-type': 'text/plain' }, body: 'n' });

describe('the double’s notification delivery', () => {
  it('follows WeChat’s 15-step schedule (about 24 h, compressed) and gives up when never acknowledged', async () => {
    answers = [];
    hits = 0;
    const notifier = new Notifier(200_000, WECHAT_RETRY_SECONDS, (status) => status === 204 || status === 200);
    const delivery = notifier.send(url, build);
    expect(await delivery.done).toBe(false);
    expect(delivery.attempts).toHaveLength(1 + WECHAT_RETRY_SECONDS.length);
    const total = WECHAT_RETRY_SECONDS.reduce((a, b) => a + b, 0);
    expect(total).toBe(86_640); // 24 h 4 min: WeChat's "about 24 hours"
    const spent = (delivery.attempts.at(-1)?.at ?? 0) - (delivery.attempts[0]?.at ?? 0);
    expect(spent).toBeGreaterThanOrEqual((total * 1000) / 200_000 - 5);
  });

  it('stops at the first acknowledgement and then sends the duplicates it was asked for', async () => {
    answers = [500, 500, 200, 200, 200];
    hits = 0;
    const notifier = new Notifier(1_000_000, ALIPAY_RETRY_SECONDS, (_s, body) => body === 'success');
    const delivery = notifier.send(url, build, { duplicates: 2 });
    expect(await delivery.done).toBe(true);
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 200, 200, 200]);
  });

  it('sends concurrent copies at once', async () => {
    answers = [200, 200, 200];
    hits = 0;
    const notifier = new Notifier(1_000_000, ALIPAY_RETRY_SECONDS, (_s, body) => body === 'success');
    const delivery = notifier.send(url, build, { concurrent: 3 });
    expect(await delivery.done).toBe(true);
    expect(delivery.attempts).toHaveLength(3);
  });

  it('ends pending retries when closed', async () => {
    answers = [];
    hits = 0;
    const notifier = new Notifier(1, WECHAT_RETRY_SECONDS, () => false);
    const delivery = notifier.send(url, build);
    await new Promise((resolve) => setTimeout(resolve, 50));
    notifier.close();
    expect(await delivery.done).toBe(false);
    expect(delivery.attempts).toHaveLength(1);
  });
});
