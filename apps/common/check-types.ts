/** The admin's checks of the engine: the audit's answer and a simulation's progress (api-types.ts re-exports them). */
export interface AuditResult {
  ok: boolean;
  events?: number;
  differences: unknown[];
}

export interface Simulation {
  status: 'running' | 'done' | 'failed';
  progress: number;
  summary?: Record<string, unknown> | null;
  series?: unknown;
  error?: unknown;
}
