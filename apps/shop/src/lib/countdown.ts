import { onScopeDispose, ref, watch, type Ref } from 'vue';

/**
 * A clock that follows the server's: the answer's `serverTime` sets the offset, so a phone whose clock is wrong still
 * counts down to the sale's real start and end.
 */
const offsetMs = ref(0);

export function syncServerTime(serverTime: string): void {
  const server = Date.parse(serverTime);
  if (!Number.isNaN(server)) offsetMs.value = server - Date.now();
}

/**
 * Now on the server's clock, ticking every second while `active` says a countdown is on screen at that time (always,
 * by default) and the component lives. A strip with nothing to count down keeps no timer: a phone's CPU would wake
 * up every second for nothing, and every tick re-renders the strip.
 */
export function useServerNow(active: (now: number) => boolean = () => true): Ref<number> {
  const now = ref(Date.now() + offsetMs.value);
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
  };
  watch(
    () => active(now.value),
    (on) => {
      if (!on) return stop();
      now.value = Date.now() + offsetMs.value;
      timer ??= setInterval(() => (now.value = Date.now() + offsetMs.value), 1000);
    },
    { immediate: true },
  );
  // The component's scope (or any effect scope) ends: its timer with it.
  onScopeDispose(stop);
  return now;
}

/** hh:mm:ss (days added in front when longer) of a non-negative duration. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor((total % 86400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? `${days}d ${hms}` : hms;
}
