/**
 * The top N of a ranking whose scores only grow (period spends within a period), kept sorted as scores rise, so a
 * ranking close never sorts every member. Invariant: every shopper outside the list ranks below every shopper in
 * it. A rising score can only move its owner up, and an outsider enters only by passing the last member, who
 * then ranks above every remaining outsider: the invariant holds after each `raise`.
 */
export class TopList {
  private list: number[] = [];
  private readonly members = new Set<number>();

  constructor(
    readonly capacity: number,
    /** a ranks before b. */
    readonly better: (a: number, b: number) => boolean,
  ) {}

  /** Best first. */
  get items(): readonly number[] {
    return this.list;
  }

  /** Call after `user`'s score rose (or first became positive). O(N) worst case, N = capacity. */
  raise(user: number): void {
    const list = this.list;
    let i: number;
    if (this.members.has(user)) {
      i = list.indexOf(user);
    } else if (list.length < this.capacity) {
      i = list.length;
      list.push(user);
      this.members.add(user);
    } else {
      const last = list[list.length - 1] as number;
      if (!this.better(user, last)) return;
      this.members.delete(last);
      i = list.length - 1;
      list[i] = user;
      this.members.add(user);
    }
    while (i > 0 && this.better(user, list[i - 1] as number)) {
      list[i] = list[i - 1] as number;
      i -= 1;
    }
    list[i] = user;
  }

  clear(): void {
    this.list = [];
    this.members.clear();
  }

  copy(better: (a: number, b: number) => boolean): TopList {
    const copy = new TopList(this.capacity, better);
    copy.list = [...this.list];
    for (const u of this.list) copy.members.add(u);
    return copy;
  }

  /** A list of another size from every candidate (used when N changes mid-period: rare, so sorting is fine). */
  static rebuild(capacity: number, candidates: readonly number[], better: (a: number, b: number) => boolean): TopList {
    const top = new TopList(capacity, better);
    const sorted = [...candidates].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
    top.list = sorted.slice(0, capacity);
    for (const u of top.list) top.members.add(u);
    return top;
  }
}
