import { use } from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * ECharts registered piece by piece: only the bar, line and map charts, grid,
 * legend, tooltip, visual map and the canvas renderer reach the bundle (the
 * full build is about 3× larger). The line chart, legend, map and visual map
 * serve the leadership screens (trends, the region map coloured by a
 * measure; docs/leadership.md).
 */
use([
  BarChart,
  LineChart,
  MapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export { init, graphic, registerMap, type EChartsType } from 'echarts/core';
