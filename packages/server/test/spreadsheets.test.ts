import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS,
  backends,
  createOrder,
  expectLedgerHealthy,
  makeProduct,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/** Issue 13: batch shipping from a CSV, carriers from a list, the warehouse export, product import and export. */
async function paidOrder(t: TestServer, skuId: string): Promise<string> {
  const shopper = await registerShopper(t);
  const created = await createOrder(t, shopper.token, skuId);
  const orderId = (created.body.order as { id: string }).id;
  const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, {
    token: shopper.token,
    body: { channel: 'sandbox' },
  });
  await t.api('POST', `/api/sandbox/payments/${(pay.body.payment as { id: string }).id}/succeed`);
  return orderId;
}

for (const backend of backends()) {
  describe(`shipping and spreadsheets (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;

    async function send(path: string, body: string | Uint8Array, type = 'text/csv') {
      const response = await fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': type },
        body,
      });
      return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown> & { error?: { code: string } },
      };
    }
    async function download(path: string): Promise<Uint8Array> {
      const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(response.status).toBe(200);
      return new Uint8Array(await response.arrayBuffer());
    }
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('ships with a carrier from the list, by code or name, and refuses one that is not on it', async () => {
      const carriers = await t.api('GET', '/api/admin/carriers', { token: admin });
      expect((carriers.body.items as { code: string }[]).map((c) => c.code)).toContain('SF');
      const { skuId } = await makeProduct(t, admin, { priceFen: 100, stock: 10 });
      const orderId = await paidOrder(t, skuId);
      const unknown = await t.api('POST', `/api/admin/orders/${orderId}/ship`, {
        token: admin,
        body: { carrier: '飞鸽传书', trackingNo: 'X1' },
      });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error?.code).toBe('unknown_carrier');
      const shipped = await t.api('POST', `/api/admin/orders/${orderId}/ship`, {
        token: admin,
        body: { carrier: '中通', trackingNo: '7800123' },
      });
      expect(shipped.status).toBe(200);
      expect((shipped.body.order as { shipment: unknown }).shipment).toEqual({
        carrier: 'ZTO',
        carrierName: '中通快递',
        trackingNo: '7800123',
      });
    });

    it('ships the good rows of a batch CSV and reports each bad one with its line', async () => {
      const { skuId } = await makeProduct(t, admin, { priceFen: 100, stock: 20 });
      const good = [await paidOrder(t, skuId), await paidOrder(t, skuId), await paidOrder(t, skuId)];
      const shopper = await registerShopper(t);
      const unpaid = (await createOrder(t, shopper.token, skuId)).body.order as { id: string };
      const csv = [
        '订单号,快递公司,运单号',
        `${good[0]},顺丰,SF1001`,
        `${good[1]},SF,SF1002`,
        `${unpaid.id},SF,SF1003`,
        'ord_nope,SF,SF1004',
        `${good[2]},飞鸽传书,X1`,
        `${good[2]},YTO,"YT 1005"`,
        `${good[0]},SF,SF1001`,
        '',
      ].join('\r\n');
      const answer = await send('/api/admin/orders/ship-batch', `\ufeff${csv}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.shipped).toBe(2);
      expect(answer.body.failed).toBe(5);
      const rows = answer.body.rows as { line: number; orderId: string; ok: boolean; code?: string }[];
      expect(rows.map((r) => [r.line, r.ok, r.code ?? null])).toEqual([
        [2, true, null],
        [3, true, null],
        [4, false, 'order_transition_not_allowed'],
        [5, false, 'order_not_found'],
        [6, false, 'unknown_carrier'],
        [7, false, 'invalid_parameter'],
        [8, false, 'invalid_request'],
      ]);
      const statuses = await Promise.all(
        [...good, unpaid.id].map(
          async (id) =>
            ((await t.api('GET', `/api/admin/orders/${id}`, { token: admin })).body.order as { status: string }).status,
        ),
      );
      expect(statuses).toEqual(['shipped', 'shipped', 'paid', 'created']);
      const logged = await t.api('GET', `/api/admin/operations?action=order.ship&entityId=${good[1]}`, {
        token: admin,
      });
      const entry = (logged.body.items as { before: { status: string }; after: { status: string } }[])[0];
      expect([entry?.before.status, entry?.after.status]).toEqual(['paid', 'shipped']);
      const noHeader = await send('/api/admin/orders/ship-batch', `${good[2]},YTO,YT1005\n`);
      expect(noHeader.body.shipped).toBe(1);
      const broken = await send('/api/admin/orders/ship-batch', 'a,"b\n');
      expect(broken.status).toBe(422);
      expect(broken.body.error?.code).toBe('invalid_file');
    });

    it('exports the paid orders for the warehouse, one row per line, as CSV and XLSX', async () => {
      const { skuId } = await makeProduct(t, admin, { priceFen: 1234, stock: 10 });
      const orderId = await paidOrder(t, skuId);
      const csv = text(await download('/api/admin/orders/export?status=paid'));
      const line = csv.split('\r\n').find((l) => l.startsWith(orderId));
      expect(line).toContain(`${ADDRESS.name},${ADDRESS.phone},${ADDRESS.region.join(' ')},${ADDRESS.detail}`);
      expect(line).toContain(',1,12.34,12.34,,');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(
        (await download('/api/admin/orders/export?status=paid&format=xlsx')) as unknown as ExcelJS.Buffer,
      );
      const values: string[] = [];
      book.worksheets[0]?.eachRow((row) => values.push(String(row.getCell(1).value)));
      expect(values).toContain(orderId);
    });

    it('exports products and imports them back: ids update, new titles create, bad products are reported', async () => {
      const code = `IMP${Date.now().toString(36)}`;
      const made = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: {
          title: '导入测试 衬衫',
          specs: [{ name: '尺码', values: ['M', 'L'] }],
          skus: [
            { specValues: ['M'], priceFen: 9900, costFen: 3000, stock: 5, code: `${code}-M` },
            { specValues: ['L'], priceFen: 10900, costFen: 3000, stock: 6, code: `${code}-L` },
          ],
        },
      });
      const productId = (made.body.product as { id: string }).id;
      const exported = text(await download('/api/admin/products/export'));
      const lines = exported.trim().split('\r\n');
      const header = lines[0] as string;
      const mine = lines.filter((l) => l.startsWith(productId));
      expect(mine).toHaveLength(2);
      const edited = mine.map((l) => l.replace(',5,', ',50,').replace('99.00', '88.80'));
      const columns = header.split(',').length;
      const fresh = (title: string, price: string, stock: string) =>
        header
          .split(',')
          .map((h) =>
            h.endsWith(' title')
              ? title
              : h.endsWith(' price')
                ? price
                : h.endsWith(' stock')
                  ? stock
                  : h.endsWith(' skuName')
                    ? '默认'
                    : '',
          );
      const csv = [
        header,
        ...edited,
        fresh('导入新商品', '19.90', '7').join(','),
        fresh('坏价格商品', '19.999', '7').join(','),
        fresh('坏库存商品', '1', '-3').join(','),
      ].join('\r\n');
      expect(fresh('x', '1', '1')).toHaveLength(columns);
      const answer = await send('/api/admin/products/import', csv);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect([answer.body.created, answer.body.updated, answer.body.failed]).toEqual([1, 1, 2]);
      const reported = answer.body.products as { title: string; ok: boolean; lines: number[]; message?: string }[];
      expect(reported.find((p) => p.title === '坏价格商品')).toMatchObject({ ok: false, lines: [5] });
      expect(reported.find((p) => p.title === '坏价格商品')?.message).toMatch(/19\.999/);
      const after = (await t.api('GET', `/api/admin/products/${productId}`, { token: admin })).body.product as {
        skus: { code: string; stock: number; priceFen: number }[];
      };
      expect(after.skus.map((s) => [s.code, s.stock, s.priceFen])).toEqual([
        [`${code}-M`, 50, 8880],
        [`${code}-L`, 6, 10900],
      ]);
      const created = (await t.api('GET', '/api/admin/products?q=导入新商品', { token: admin })).body.items as {
        skus: { priceFen: number; stock: number }[];
      }[];
      expect(created[0]?.skus).toEqual([expect.objectContaining({ priceFen: 1990, stock: 7 })]);
      expect((await t.api('GET', '/api/admin/products?q=坏价格商品', { token: admin })).body.total).toBe(0);
    });

    it('reads an XLSX import the way it reads a CSV', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('products');
      sheet.addRow(['商品名称', '售价', '库存', 'SKU 名称']);
      sheet.addRow(['表格导入商品', 25.5, 3, '标准']);
      const bytes = new Uint8Array(await book.xlsx.writeBuffer());
      const answer = await send('/api/admin/products/import', bytes, 'application/octet-stream');
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.created).toBe(1);
      const found = (await t.api('GET', '/api/admin/products?q=表格导入商品', { token: admin })).body.items as {
        skus: { priceFen: number; stock: number; name: string }[];
      }[];
      expect(found[0]?.skus[0]).toMatchObject({ priceFen: 2550, stock: 3, name: '标准' });
      const junk = await send(
        '/api/admin/products/import',
        new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]),
        'application/octet-stream',
      );
      expect(junk.body.error?.code).toBe('invalid_file');
    });
  });
}
