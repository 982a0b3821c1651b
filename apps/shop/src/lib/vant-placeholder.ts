import { createVNode, nextTick, onMounted, ref, watch, type Ref, type VNode } from 'vue';
import { useRect } from '@vant/use';
import { onPopupReopen } from 'vant/es/composables/on-popup-reopen';
import { windowHeight, windowWidth } from 'vant/es/utils';

/**
 * Stands in for Vant's own `usePlaceholder` (the build points Vant's import here, see build/vant-placeholder.ts).
 * Vant's version measures the bar it belongs to (nav bar, tab bar, submit bar) whether or not the placeholder is
 * shown: a forced layout right after mount and three more on timers 100, 200 and 300 ms later, exactly while a page
 * is loading its data and images. None of our bars uses `placeholder` except the product page's nav bar, so this one
 * measures only once the placeholder has been rendered, the same way and at the same moments as Vant's.
 */
export function usePlaceholder(contentRef: Ref<Element | undefined>, bem: (el: string) => string) {
  let shown = false;
  const height = ref<number>();
  const measure = (): void => {
    if (shown) height.value = useRect(contentRef).height;
  };
  onMounted(() => {
    void nextTick(measure);
    for (let i = 1; i <= 3; i += 1) setTimeout(measure, 100 * i);
  });
  onPopupReopen(() => void nextTick(measure));
  watch([windowWidth, windowHeight], measure);
  return (renderContent: () => VNode): VNode => {
    shown = true;
    return createVNode(
      'div',
      { class: bem('placeholder'), style: { height: height.value ? `${height.value}px` : undefined } },
      [renderContent()],
    );
  };
}
