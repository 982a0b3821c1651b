/**
 * Rendering below the fold after the first paint. Each part waiting here is rendered when it comes near the viewport
 * or, failing that, in the browser's idle time, one part per idle period and in page order: on a phone a whole page
 * rendered at once is one long task that blocks the first tap, while parts of a section each are short.
 */
interface Waiting {
  el: Element;
  render: () => void;
}

const queue: Waiting[] = [];
let observer: IntersectionObserver | undefined;
let idleScheduled = false;
// Near enough that a part scrolled to is drawn before it shows, far enough not to draw the next screen at once.
const NEAR = '150px 0px';

function settle(part: Waiting): void {
  const i = queue.indexOf(part);
  if (i >= 0) queue.splice(i, 1);
  observer?.unobserve(part.el);
}

function whenIdle(run: () => void): void {
  // Safari has no requestIdleCallback: a timer after the current work is the closest.
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 1500 });
  else setTimeout(run, 50);
}

function scheduleIdle(): void {
  if (idleScheduled || queue.length === 0) return;
  idleScheduled = true;
  whenIdle(() => {
    idleScheduled = false;
    const next = queue[0];
    if (next !== undefined) {
      settle(next);
      next.render();
    }
    scheduleIdle();
  });
}

function near(entries: IntersectionObserverEntry[]): void {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const part = queue.find((p) => p.el === entry.target);
    if (part === undefined) continue;
    settle(part);
    part.render();
  }
}

/** Calls `render` once, when `el` (the part's placeholder) nears the viewport or the browser is idle; returns a cancel. */
export function whenNeeded(el: Element, render: () => void): () => void {
  const part: Waiting = { el, render };
  queue.push(part);
  if (typeof IntersectionObserver === 'function') {
    observer ??= new IntersectionObserver(near, { rootMargin: NEAR });
    observer.observe(el);
  }
  scheduleIdle();
  return () => settle(part);
}
