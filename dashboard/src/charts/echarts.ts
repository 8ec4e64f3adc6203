import { use } from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * ECharts registered piece by piece: only the bar chart, grid, tooltip and
 * the canvas renderer reach the bundle (the full build is about 3× larger).
 */
use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export { init, graphic, type EChartsType } from 'echarts/core';
