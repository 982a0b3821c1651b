/** Ledger account addresses shared by the engine's effects and the server's ledger. */
export const PLATFORM_REVENUE = 'platform:revenue';

export function userWallet(user: string): string {
  return `user:${user}:wallet`;
}

export function poolCash(plan: string): string {
  return `pool:${plan}:cash`;
}
