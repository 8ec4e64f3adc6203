import { describe, expect, it } from 'vitest';
import { deploymentMap, parseFeatures } from './region-map.ts';

describe('region map read model', () => {
  it("a FeatureCollection's features; anything else is no map", () => {
    const f = { type: 'Feature', properties: { code: '440902' }, geometry: null };
    expect(parseFeatures(JSON.stringify({ type: 'FeatureCollection', features: [f] }))).toEqual([f]);
    expect(parseFeatures(JSON.stringify({ type: 'Feature', properties: {} }))).toBeNull();
    expect(parseFeatures(JSON.stringify({ type: 'FeatureCollection', features: {} }))).toBeNull();
    expect(parseFeatures('{ not json')).toBeNull();
  });

  it("the deployment's features cut to the areas in scope, by their code (numbers match as text)", () => {
    const areas = [
      { code: '440902', name: '茂南区' },
      { code: 'h-city', name: '市民中心' },
    ];
    const features = [{ properties: { code: 440902 } }, { properties: { code: '440904' } }, { properties: {} }, {}];
    expect(deploymentMap(features, areas)).toEqual({
      source: 'deployment',
      geojson: { type: 'FeatureCollection', features: [{ properties: { code: 440902 } }] },
      areas,
    });
  });
});
