import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_AMOUNT_FEN, fenToWechatTotal, fenToYuan, wechatTotalToFen, yuanToFen } from './amounts';

describe('gateway amounts', () => {
  it('writes fen as yuan with two decimals at the edges', () => {
    expect(fenToYuan(1n)).toBe('0.01');
    expect(fenToYuan(10n)).toBe('0.10');
    expect(fenToYuan(0n)).toBe('0.00');
    expect(fenToYuan(100n)).toBe('1.00');
    expect(fenToYuan(100_000n)).toBe('1000.00');
    expect(fenToYuan(MAX_AMOUNT_FEN)).toBe('10000000000.00');
  });

  it('reads canonical yuan strings as exact fen', () => {
    expect(yuanToFen('0.01')).toBe(1n);
    expect(yuanToFen('0.10')).toBe(10n);
    expect(yuanToFen('1.00')).toBe(100n);
    expect(yuanToFen('88.88')).toBe(8888n);
    expect(yuanToFen('10000000000.00')).toBe(MAX_AMOUNT_FEN);
  });

  it.each([
    '1.5',
    '01.00',
    '1e3',
    ' 1.00',
    '1.00 ',
    '-1.00',
    '+1.00',
    '1',
    '1.',
    '.50',
    '1.005',
    '1,00',
    '',
    '0x10.00',
  ])('refuses the malformed yuan string %j', (text) => {
    expect(yuanToFen(text)).toBeUndefined();
  });

  it('refuses a yuan amount above the largest amount', () => {
    expect(yuanToFen('10000000000.01')).toBeUndefined();
  });

  it('refuses to write amounts out of range', () => {
    expect(() => fenToYuan(-1n)).toThrow(RangeError);
    expect(() => fenToYuan(MAX_AMOUNT_FEN + 1n)).toThrow(RangeError);
    expect(() => fenToWechatTotal(MAX_AMOUNT_FEN + 1n)).toThrow(RangeError);
  });

  it('reads WeChat totals only as whole fen in range', () => {
    expect(wechatTotalToFen(1)).toBe(1n);
    expect(wechatTotalToFen(1_000_000_000_000)).toBe(MAX_AMOUNT_FEN);
    expect(wechatTotalToFen(1_000_000_000_001)).toBeUndefined();
    expect(wechatTotalToFen(1.5)).toBeUndefined();
    expect(wechatTotalToFen(-1)).toBeUndefined();
    expect(wechatTotalToFen('100')).toBeUndefined();
    expect(wechatTotalToFen(Number.NaN)).toBeUndefined();
  });

  it('round-trips every fen amount through yuan and through the WeChat number', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_AMOUNT_FEN }), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
        expect(wechatTotalToFen(fenToWechatTotal(fen))).toBe(fen);
      }),
    );
  });
});
