import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Members } from './members';

const LEVELS = [
  { code: 'V1', minSpendFen: 0n },
  { code: 'V2', minSpendFen: 300n },
  { code: 'V3', minSpendFen: 1_000n },
];

type Step =
  { kind: 'join' } | { kind: 'spend'; user: number; fen: number } | { kind: 'admin'; user: number; level: number };

const steps = fc.array(
  fc.oneof(
    fc.constant<Step>({ kind: 'join' }),
    fc.record({ kind: fc.constant('spend' as const), user: fc.nat(200), fen: fc.integer({ min: 1, max: 600 }) }),
    fc.record({ kind: fc.constant('admin' as const), user: fc.nat(200), level: fc.integer({ min: 0, max: 2 }) }),
  ),
  { maxLength: 400 },
);

describe('Members', () => {
  it('visits exactly the shoppers at the asked levels, in join order, as a scan of every shopper would', () => {
    fc.assert(
      fc.property(steps, fc.subarray([0, 1, 2]), (list, asked) => {
        const members = new Members(LEVELS);
        for (const step of list) {
          const count = members.userCount();
          if (step.kind === 'join') members.join(`u${count}`, -1);
          else if (count > 0 && step.kind === 'spend') members.addSpend(step.user % count, BigInt(step.fen));
          else if (count > 0 && step.kind === 'admin') members.setAdminLevel(step.user % count, step.level);
        }
        const visited: [number, number][] = [];
        members.membersAtLevels(asked, (u, level) => visited.push([u, level]));
        const scanned: [number, number][] = [];
        for (let u = 0; u < members.userCount(); u += 1) {
          if (asked.includes(members.levelOf(u))) scanned.push([u, members.levelOf(u)]);
        }
        expect(visited).toEqual(scanned);
      }),
      { numRuns: 300 },
    );
  });

  it('walks a region path once and hands each tier its agents in appointment order', () => {
    const members = new Members([]);
    for (let i = 0; i < 4; i += 1) members.join(`u${i}`, -1);
    members.appoint(0, ['GD']);
    members.appoint(2, ['GD', 'SZ']);
    members.appoint(1, ['GD', 'SZ']);
    const tiers: [number, number[]][] = [];
    members.agentsAlong(['GD', 'SZ', 'NS'], (tier, agents) => tiers.push([tier, [...agents]]));
    expect(tiers).toEqual([
      [1, [0]],
      [2, [2, 1]],
      [3, []],
    ]);
    const unknown: [number, number[]][] = [];
    members.agentsAlong(['HN', 'SZ'], (tier, agents) => unknown.push([tier, [...agents]]));
    expect(unknown).toEqual([
      [1, []],
      [2, []],
    ]);
  });
});
