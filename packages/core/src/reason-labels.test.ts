import { describe, expect, it } from 'vitest';
import { PLANS } from './plans/registry';
import { transferReasonLabel } from './reason-labels';

describe('ledger reason labels', () => {
  it('labels every reward kind with the label of the plan that pays it', () => {
    for (const plan of PLANS)
      for (const [kind, label] of Object.entries(plan.rewardKinds)) expect(transferReasonLabel(kind)).toEqual(label);
  });

  it("labels the engine's movements and the mall's own reasons in both languages", () => {
    expect(transferReasonLabel('poolContribution')).toEqual({ zh: '资金池注入', en: 'Pool contribution' });
    expect(transferReasonLabel('withdrawal_fee')?.zh).toBe('提现手续费');
  });

  it('answers null for a reason nobody declared, so a view can show the code', () => {
    expect(transferReasonLabel('no_such_reason')).toBeNull();
  });
});
