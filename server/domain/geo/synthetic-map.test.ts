import { describe, expect, it } from 'vitest';
import { syntheticMap } from './synthetic-map.ts';

describe('synthetic region map', () => {
  it('one closed polygon per area, named by its code, none overlapping another', () => {
    const areas = Array.from({ length: 7 }, (_, i) => ({ code: `4409${String(i).padStart(2, '0')}`, name: `区${i}` }));
    const fc = syntheticMap(areas);
    expect(fc.features.map((f) => f.properties.code)).toEqual(areas.map((a) => a.code));
    const boxes = fc.features.map((f) => {
      const ring = f.geometry.coordinates[0]!;
      expect(ring[0]).toEqual(ring.at(-1)); // closed
      const xs = ring.map((p) => p[0]);
      const ys = ring.map((p) => p[1]);
      return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
        expect(overlap, `${i} overlaps ${j}`).toBe(false);
      }
    }
  });

  it('no areas, no features', () => {
    expect(syntheticMap([]).features).toEqual([]);
  });
});
