import { ref, type Ref } from 'vue';

/**
 * Whether the mall runs in demo mode (payments simulated by the sandbox gateway) or production. Read once per page
 * load from the app's settings route, so both apps can say plainly when money is not real.
 */
export type MallEnvironment = 'demo' | 'production';

const environment = ref<MallEnvironment | null>(null);
let loading: Promise<void> | undefined;

export function useEnvironment(load: () => Promise<{ environment?: string }>): Ref<MallEnvironment | null> {
  loading ??= load().then(
    (settings) => {
      environment.value = settings.environment === 'production' ? 'production' : 'demo';
    },
    () => {
      loading = undefined;
    },
  );
  return environment;
}

/** The environment as another answer already told it (the storefront's home carries it): no request of its own. */
export function knowEnvironment(value: string | undefined): void {
  environment.value = value === 'production' ? 'production' : 'demo';
  loading ??= Promise.resolve();
}
