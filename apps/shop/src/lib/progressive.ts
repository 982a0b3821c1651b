import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/**
 * How many items of a long list to render: `first` at once, then one more per task, each after the browser has
 * painted what is already there. The first screen paints sooner and no single task renders the whole list (on a
 * phone one long task is what delays the first tap). Everything is rendered a few frames later; nothing waits for a
 * scroll, so a search or a test finds every item in the DOM.
 */
export function useProgressive(total: () => number, first: number): Ref<number> {
  const shown = ref(first);
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (): void => {
    if (frame !== undefined || timer !== undefined || shown.value >= total()) return;
    frame = requestAnimationFrame(() => {
      frame = undefined;
      // A timer started in the frame callback runs after that frame's paint.
      timer = setTimeout(() => {
        timer = undefined;
        shown.value += 1;
        schedule();
      }, 0);
    });
  };
  watch(total, schedule, { immediate: true });
  onBeforeUnmount(() => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    if (timer !== undefined) clearTimeout(timer);
  });
  return shown;
}
