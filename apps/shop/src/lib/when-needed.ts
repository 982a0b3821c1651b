/**
 * Rendering a page in parts after its first paint: one part per task, each after the frame that drew the one before,
 * parts near the viewport first, then the rest in page order. On a phone a page rendered at once is one long task
 * that blocks the first tap (Lighthouse's Total Blocking Time); one part (a strip, two rows of cards) with its
 * layout is a short one. The parts follow each other at once rather than waiting for idle time, so the page is
 * complete within a few frames and nothing is still rendering when the shopper starts to scroll.
 */
interface Waiting {
  el: Element;
  render: () => void;
  near: boolean;
}

const queue: Waiting[] = [];
let observer: IntersectionObserver | undefined;
let planned = false;
// Near enough that a part scrolled to is drawn before it shows.
const NEAR = '150px 0px';

function settle(part: Waiting): void {
  const i = queue.indexOf(part);
  if (i >= 0) queue.splice(i, 1);
  observer?.unobserve(part.el);
}

function next(): void {
  planned = false;
  const part = queue.find((p) => p.near) ?? queue[0];
  if (part !== undefined) {
    settle(part);
    part.render();
  }
  plan();
}

/** The next part after the next frame (the last part laid out and painted), in a task of its own. */
function plan(): void {
  if (planned || queue.length === 0) return;
  planned = true;
  requestAnimationFrame(() => setTimeout(next, 0));
}

function onIntersect(entries: IntersectionObserverEntry[]): void {
  for (const entry of entries) {
    const part = queue.find((p) => p.el === entry.target);
    if (part !== undefined) part.near = entry.isIntersecting;
  }
}

/** Calls `render` once, in its turn after the first paint (see above); returns a cancel. */
export function whenNeeded(el: Element, render: () => void): () => void {
  const part: Waiting = { el, render, near: false };
  queue.push(part);
  if (typeof IntersectionObserver === 'function') {
    observer ??= new IntersectionObserver(onIntersect, { rootMargin: NEAR });
    observer.observe(el);
  }
  plan();
  return () => settle(part);
}
