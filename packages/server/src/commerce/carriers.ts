/**
 * The carriers staff ship with (快递公司), by the codes the Chinese tracking services use. Staff pick from this list;
 * a CSV may name a carrier by its code or a common name ("顺丰", "SF"), stored as the code.
 */
export interface Carrier {
  code: string;
  name: { zh: string; en: string };
  aliases: readonly string[];
}

export const CARRIERS: readonly Carrier[] = [
  { code: 'SF', name: { zh: '顺丰速运', en: 'SF Express' }, aliases: ['顺丰', 'SF Express', 'SFExpress'] },
  { code: 'JD', name: { zh: '京东物流', en: 'JD Logistics' }, aliases: ['京东', '京东快递'] },
  {
    code: 'EMS',
    name: { zh: '邮政 EMS', en: 'China Post EMS' },
    aliases: ['邮政', '中国邮政', '邮政EMS', 'China Post'],
  },
  { code: 'ZTO', name: { zh: '中通快递', en: 'ZTO Express' }, aliases: ['中通'] },
  { code: 'YTO', name: { zh: '圆通速递', en: 'YTO Express' }, aliases: ['圆通', '圆通快递'] },
  { code: 'STO', name: { zh: '申通快递', en: 'STO Express' }, aliases: ['申通'] },
  { code: 'YD', name: { zh: '韵达快递', en: 'Yunda Express' }, aliases: ['韵达', 'YUNDA'] },
  { code: 'JT', name: { zh: '极兔速递', en: 'J&T Express' }, aliases: ['极兔', 'J&T', 'JTEXPRESS'] },
  { code: 'DBL', name: { zh: '德邦快递', en: 'Deppon Express' }, aliases: ['德邦', 'DEPPON'] },
];

const normal = (text: string): string => text.trim().replace(/\s+/g, '').toUpperCase();

/** The carrier a staff member or a CSV named, by code, Chinese or English name or alias; undefined if none. */
export function findCarrier(text: string): Carrier | undefined {
  const wanted = normal(text);
  if (wanted === '') return undefined;
  return CARRIERS.find((c) => [c.code, c.name.zh, c.name.en, ...c.aliases].some((name) => normal(name) === wanted));
}

/** The Chinese name of a stored carrier code; an older free-text carrier is shown as it was typed. */
export function carrierName(stored: string): string {
  return CARRIERS.find((c) => c.code === stored)?.name.zh ?? stored;
}

/** Tracking numbers are letters, digits and dashes. */
export const TRACKING_NO = /^[A-Za-z0-9-]{1,40}$/;
