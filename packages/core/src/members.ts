import { userWallet, type AccountAddress } from './accounts';
import { BigIntColumn, BitColumn, IntColumn } from './columns';
import { intDiv } from './integers';
import type { Directory, Level } from './plan';

/**
 * Engine-level facts every plan may read (SPEC 3.5 definitions): shoppers in join order with their referrer,
 * settled orders, spend, member levels (spend level, admin level, effective level) and regional agents. Columns
 * by dense index keep a million shoppers in flat buffers; `fork` copies them.
 */
export class Members implements Directory {
  private userIndexMap = new Map<string, number>();
  private userIds: string[] = [];
  /** Referrer index + 1 (0: none). */
  private referrers = new IntColumn();
  private spend = new BigIntColumn();
  /** Level index + 1 (0: none), for the admin-set level, the spend level and the effective level. */
  private adminLevel = new IntColumn();
  private spendLevel = new IntColumn();
  private effectiveLevel = new IntColumn();
  private levelCounts: number[];
  private orderIndexMap = new Map<string, number>();
  private orderIds: string[] = [];
  private orderUsers = new IntColumn();
  /** Regional agents as a tree of region parts: no key strings are built per order, only short parts looked up. */
  private agents: RegionNode = newNode();
  /** Wallet address per shopper, built on first credit; one slot pushed per join keeps the array packed (a write
   * far past the end would turn it into a slow dictionary). */
  private wallets: (string | undefined)[] = [];
  /** One bitset per effective level: a close by level visits only the shoppers of the levels it pays. */
  private levelBits: BitColumn[];

  constructor(readonly levels: readonly Level[]) {
    this.levelCounts = levels.map(() => 0);
    this.levelBits = levels.map(() => new BitColumn());
  }

  fork(): Members {
    const copy = new Members(this.levels);
    copy.userIndexMap = new Map(this.userIndexMap);
    copy.userIds = [...this.userIds];
    copy.referrers = this.referrers.clone();
    copy.spend = this.spend.clone();
    copy.adminLevel = this.adminLevel.clone();
    copy.spendLevel = this.spendLevel.clone();
    copy.effectiveLevel = this.effectiveLevel.clone();
    copy.levelCounts = [...this.levelCounts];
    copy.orderIndexMap = new Map(this.orderIndexMap);
    copy.orderIds = [...this.orderIds];
    copy.orderUsers = this.orderUsers.clone();
    copy.agents = copyNode(this.agents);
    copy.wallets = this.wallets.slice();
    copy.levelBits = this.levelBits.map((bits) => bits.clone());
    return copy;
  }

  // --- Directory ---
  referrerOf(userIndex: number): number {
    return this.referrers.get(userIndex) - 1;
  }
  userId(userIndex: number): string {
    return this.userIds[userIndex] as string;
  }
  userCount(): number {
    return this.userIds.length;
  }
  orderId(orderIndex: number): string {
    return this.orderIds[orderIndex] as string;
  }
  orderIndex(order: string): number {
    return this.orderIndexMap.get(order) ?? -1;
  }
  spendFen(userIndex: number): bigint {
    return this.spend.get(userIndex);
  }
  levelOf(userIndex: number): number {
    return this.effectiveLevel.get(userIndex) - 1;
  }
  levelCount(): number {
    return this.levels.length;
  }
  levelMembers(level: number): number {
    return this.levelCounts[level] ?? 0;
  }
  agentsOf(region: readonly string[], tier: number): readonly number[] {
    let node: RegionNode | undefined = this.agents;
    for (let t = 0; t < tier && node !== undefined; t += 1) node = node.children.get(region[t] as string);
    return node?.agents ?? NO_AGENTS;
  }
  membersAtLevels(levels: readonly number[], visit: (userIndex: number, level: number) => void): void {
    const sets = levels.map((l) => this.levelBits[l]).filter((b): b is BitColumn => b !== undefined);
    if (sets.length === 0) return;
    const words = intDiv(this.userIds.length + 31, 32);
    for (let w = 0; w < words; w += 1) {
      let bits = 0;
      for (let k = 0; k < sets.length; k += 1) bits |= (sets[k] as BitColumn).word(w);
      while (bits !== 0) {
        const lowest = bits & -bits;
        const u = w * 32 + 31 - Math.clz32(lowest);
        visit(u, this.effectiveLevel.get(u) - 1);
        bits ^= lowest;
      }
    }
  }
  agentsAlong(region: readonly string[], visit: (tier: number, agents: readonly number[]) => void): void {
    let node: RegionNode | undefined = this.agents;
    for (let t = 1; t <= region.length; t += 1) {
      node = node?.children.get(region[t - 1] as string);
      visit(t, node?.agents ?? NO_AGENTS);
    }
  }
  walletOf(userIndex: number): AccountAddress {
    let wallet = this.wallets[userIndex];
    if (wallet === undefined) {
      wallet = userWallet(this.userId(userIndex));
      this.wallets[userIndex] = wallet;
    }
    return wallet as AccountAddress;
  }

  // --- lookups ---
  userIndex(user: string): number {
    return this.userIndexMap.get(user) ?? -1;
  }
  orderCount(): number {
    return this.orderIds.length;
  }
  orderUser(orderIndex: number): number {
    return this.orderUsers.get(orderIndex);
  }
  levelIndex(code: string): number {
    return this.levels.findIndex((l) => l.code === code);
  }
  isAgent(userIndex: number, region: readonly string[]): boolean {
    return this.agentsOf(region, region.length).includes(userIndex);
  }

  // --- changes (the engine validates before calling) ---
  join(user: string, referrerIndex: number): number {
    const index = this.userIds.length;
    this.userIndexMap.set(user, index);
    this.userIds.push(user);
    this.wallets.push(undefined);
    if (referrerIndex >= 0) this.referrers.set(index, referrerIndex + 1);
    // With a first level at minSpendFen 0, every shopper holds it from joining (SPEC 3.5).
    this.updateSpendLevel(index);
    return index;
  }

  addOrder(order: string, userIndex: number): number {
    const index = this.orderIds.length;
    this.orderIndexMap.set(order, index);
    this.orderIds.push(order);
    this.orderUsers.set(index, userIndex);
    return index;
  }

  /** Spend grows after all plans acted on an order (SPEC 3.5). */
  addSpend(userIndex: number, amountFen: bigint): void {
    if (amountFen === 0n) return;
    this.spend.set(userIndex, this.spend.get(userIndex) + amountFen);
    if (this.levels.length > 0) this.updateSpendLevel(userIndex);
  }

  /** A later setLevel replaces the earlier one, also downwards; the effective level is the higher of the two. */
  setAdminLevel(userIndex: number, level: number): void {
    this.adminLevel.set(userIndex, level + 1);
    this.updateEffective(userIndex);
  }

  appoint(userIndex: number, region: readonly string[]): void {
    let node = this.agents;
    for (const part of region) {
      let child = node.children.get(part);
      if (child === undefined) {
        child = newNode();
        node.children.set(part, child);
      }
      node = child;
    }
    node.agents.push(userIndex);
  }

  /** A dismissed agent appointed again goes to the end of the appointment order. */
  dismiss(userIndex: number, region: readonly string[]): void {
    const list = this.agentsOf(region, region.length) as number[];
    const at = list.indexOf(userIndex);
    if (at >= 0) list.splice(at, 1);
  }

  private updateSpendLevel(userIndex: number): void {
    const spend = this.spend.get(userIndex);
    // Spend only grows, so the spend level only moves up from where it is.
    let level = this.spendLevel.get(userIndex) - 1;
    while (level + 1 < this.levels.length && (this.levels[level + 1] as Level).minSpendFen <= spend) level += 1;
    if (level + 1 !== this.spendLevel.get(userIndex)) {
      this.spendLevel.set(userIndex, level + 1);
      this.updateEffective(userIndex);
    }
  }

  private updateEffective(userIndex: number): void {
    const admin = this.adminLevel.get(userIndex);
    const bySpend = this.spendLevel.get(userIndex);
    const next = admin > bySpend ? admin : bySpend;
    const before = this.effectiveLevel.get(userIndex);
    if (next === before) return;
    if (before > 0) {
      this.levelCounts[before - 1] = (this.levelCounts[before - 1] ?? 0) - 1;
      this.levelBits[before - 1]?.clear(userIndex);
    }
    if (next > 0) {
      this.levelCounts[next - 1] = (this.levelCounts[next - 1] ?? 0) + 1;
      this.levelBits[next - 1]?.set(userIndex);
    }
    this.effectiveLevel.set(userIndex, next);
  }
}

const NO_AGENTS: readonly number[] = [];

interface RegionNode {
  agents: number[];
  children: Map<string, RegionNode>;
}

function newNode(): RegionNode {
  return { agents: [], children: new Map() };
}

function copyNode(node: RegionNode): RegionNode {
  return { agents: [...node.agents], children: new Map([...node.children].map(([k, v]) => [k, copyNode(v)])) };
}
