import type { OrderLine } from './campaigns';

/** The events the engine folds, in one totally ordered stream. */
export type EngineEvent =
  | { type: 'join'; user: string; referrer?: string | undefined }
  | {
      type: 'settle';
      user: string;
      order: string;
      amountFen: bigint;
      /** The order's lines (they add up to amountFen); needed by campaigns limited to products. */
      lines?: readonly OrderLine[] | undefined;
      /** Shipping region [province, city?, district?]. */
      region?: readonly string[] | undefined;
      /** Campaigns that act on the order (server use: status and time window); absent means every campaign. */
      campaigns?: readonly string[] | undefined;
    }
  | { type: 'redeem'; user: string; order: string; units: bigint; campaign?: string | undefined }
  | { type: 'setLevel'; user: string; level: string }
  | { type: 'appoint'; user: string; region: readonly string[] }
  | { type: 'dismiss'; user: string; region: readonly string[] }
  | { type: 'periodClose' }
  | {
      /** Creates a campaign, or gives an existing one a new version (new parameters, state kept). */
      type: 'campaign';
      id: string;
      plan?: string | undefined;
      params?: unknown;
      /** Scope: replaced when given; a new campaign without either covers every product. */
      products?: readonly string[] | undefined;
      categories?: readonly string[] | undefined;
    };

/** Input the engine refuses; it changes nothing when it throws this. */
export class EngineInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineInputError';
  }
}

/** 1 to 3 non-empty parts: province, city, district. */
export function validRegion(region: unknown): region is readonly string[] {
  if (!Array.isArray(region) || region.length < 1 || region.length > 3) return false;
  for (const part of region as unknown[]) if (typeof part !== 'string' || part.length === 0) return false;
  return true;
}
