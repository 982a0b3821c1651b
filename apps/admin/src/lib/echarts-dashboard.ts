import type { EChartsLoader } from '@mall/web-common/echarts-loader';

/** The dashboard's charts (bars and lines on grids, with tooltips and legends), loaded with the first chart drawn. */
export const loadDashboardCharts: EChartsLoader = () => import('./echarts-bar-line');
