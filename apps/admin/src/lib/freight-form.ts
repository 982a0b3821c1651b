import type { FreightCharge, FreightTemplate } from '@mall/web-common/checkout-types';
import { fenOf, yuanText } from './promo-form';

/** The freight dialog's form: fees as yuan text, regions as lines of "省/市/区" text; converted when saved. */
export interface ChargeForm {
  firstUnits: number;
  firstFee: string;
  additionalUnits: number;
  additionalFee: string;
  freeOver: string;
}

export interface FreightForm {
  name: string;
  basis: 'piece' | 'weight';
  defaultCharge: ChargeForm;
  regionCharges: { regions: string; charge: ChargeForm }[];
  notDelivered: string;
}

export const blankCharge = (): ChargeForm => ({
  firstUnits: 1,
  firstFee: '',
  additionalUnits: 1,
  additionalFee: '0',
  freeOver: '',
});

export const blankFreight = (): FreightForm => ({
  name: '',
  basis: 'piece',
  defaultCharge: blankCharge(),
  regionCharges: [],
  notDelivered: '',
});

const chargeForm = (c: FreightCharge): ChargeForm => ({
  firstUnits: c.firstUnits,
  firstFee: yuanText(c.firstFeeFen),
  additionalUnits: c.additionalUnits,
  additionalFee: yuanText(c.additionalFeeFen),
  freeOver: yuanText(c.freeOverFen ?? null),
});

const linesOf = (regions: string[][]) => regions.map((r) => r.join('/')).join('\n');
const regionsOf = (text: string) =>
  text
    .split('\n')
    .map((line) =>
      line
        .split('/')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    )
    .filter((path) => path.length > 0);

export function freightFormOf(t: FreightTemplate): FreightForm {
  return {
    name: t.name,
    basis: t.basis,
    defaultCharge: chargeForm(t.defaultCharge),
    regionCharges: t.regionCharges.map((r) => ({ regions: linesOf(r.regions), charge: chargeForm(r.charge) })),
    notDelivered: linesOf(t.notDelivered),
  };
}

function charge(form: ChargeForm): FreightCharge | null {
  const firstFeeFen = fenOf(form.firstFee);
  const additionalFeeFen = fenOf(form.additionalFee || '0');
  const freeOverFen = form.freeOver.trim() === '' ? null : fenOf(form.freeOver);
  if (firstFeeFen === null || additionalFeeFen === null || (form.freeOver.trim() !== '' && freeOverFen === null))
    return null;
  return {
    firstUnits: form.firstUnits,
    firstFeeFen,
    additionalUnits: form.additionalUnits,
    additionalFeeFen,
    freeOverFen,
  };
}

/** The request body, or null when a fee is not an amount or a region group is empty. */
export function freightBody(form: FreightForm) {
  const defaultCharge = charge(form.defaultCharge);
  const regionCharges = form.regionCharges.map((r) => ({ regions: regionsOf(r.regions), charge: charge(r.charge) }));
  if (!form.name.trim() || defaultCharge === null) return null;
  const valid: { regions: string[][]; charge: FreightCharge }[] = [];
  for (const r of regionCharges) {
    if (r.charge === null || r.regions.length === 0) return null;
    valid.push({ regions: r.regions, charge: r.charge });
  }
  return {
    name: form.name.trim(),
    basis: form.basis,
    defaultCharge,
    regionCharges: valid,
    notDelivered: regionsOf(form.notDelivered),
  };
}
