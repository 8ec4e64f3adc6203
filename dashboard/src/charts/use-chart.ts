import { onBeforeUnmount, onMounted, watch, type ShallowRef, type WatchSource } from 'vue';
import { init, type EChartsType } from './echarts.ts';

/**
 * One ECharts instance for a component's element: made on mount, drawn by
 * `draw` at once, again whenever `deps` change or the element is resized
 * (the 1920×1080 stage scales, panels change size), and disposed on unmount.
 * `setup` attaches event handlers once.
 */
export function useChart(
  el: Readonly<ShallowRef<HTMLElement | null>>,
  draw: (chart: EChartsType) => void,
  deps: WatchSource | WatchSource[],
  setup?: (chart: EChartsType) => void,
): void {
  let chart: EChartsType | null = null;
  let resizeObserver: ResizeObserver | null = null;
  const redraw = (): void => {
    if (!chart) return;
    draw(chart);
    chart.resize();
  };
  onMounted(() => {
    if (!el.value) return;
    chart = init(el.value, undefined, { renderer: 'canvas' });
    setup?.(chart);
    redraw();
    resizeObserver = new ResizeObserver(redraw);
    resizeObserver.observe(el.value);
  });
  watch(deps, redraw);
  onBeforeUnmount(() => {
    resizeObserver?.disconnect();
    chart?.dispose();
    chart = null;
  });
}
