/**
 * The models (seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型:
 * 压力模型、办件效能模型、好差评评分量化模型、服务效能模型、办件趋势模型、跑多次模型、
 * 涉企服务效能模型; plus staffing advice): pure functions over plain data, time
 * passed in, no I/O. Formulas, parameters and worked examples: docs/models.md.
 */
export * from './pressure-forecast.ts';
export * from './efficiency.ts';
export * from './review-score.ts';
export * from './case-trend.ts';
export * from './multiple-visits.ts';
export * from './staffing.ts';
