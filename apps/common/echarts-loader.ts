import type { init } from 'echarts/core';

/** Loads an ECharts build (only the chart types and components a page draws) and hands back its `init`. */
export type EChartsLoader = () => Promise<{ init: typeof init }>;
