import { describe, expect, it } from 'vitest';
import { buildRoadModel, makeFrame, parseRoad, placeOnRoad } from '../src/road/index.js';
import { createRng } from '../src/random/prng.js';
import { SatcountError, type PixelPoint } from '../src/types.js';
import { pixelImage } from './helpers/road.js';

const image = pixelImage(4000, 1200, 0.5);
const frame = makeFrame(image);

/** A winding 2 km road in pixels (0.5 m each), one vertex every 10 px. */
const line: PixelPoint[] = Array.from({ length: 401 }, (_, i) => [i * 10, 600 + 250 * Math.sin(i / 60)]);

const feature = (coordinates: PixelPoint[], properties: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'LineString', coordinates },
});
const collection = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const model = (text: string, opts: { name?: string; ref?: string } = {}) =>
  buildRoadModel(parseRoad(text, 'osm.geojson', { roadCrs: 'pixel', ...opts }), frame, image);

/** The line cut into 9 pieces as an OSM export has them: shuffled, 3 short ones drawn backwards, some gaps at the cuts. */
function osmPieces(): { features: unknown[]; gaps: number } {
  const cuts = [0, 50, 90, 150, 200, 230, 280, 330, 370, 400];
  let gaps = 0;
  const pieces = cuts.slice(1).map((end, k) => {
    // Every other cut leaves a gap of one vertex (5 m), as hand-cut or filtered ways do.
    const start = k % 2 === 1 ? cuts[k] + 1 : cuts[k];
    if (start !== cuts[k]) gaps++;
    const coords = line.slice(start, end + 1);
    return [1, 4, 7].includes(k) ? coords.reverse() : coords;
  });
  const rng = createRng(11);
  const order = pieces.map((p, i) => ({ p, key: rng.next() })).sort((a, b) => a.key - b.key);
  return { features: order.map(({ p }, i) => feature(p, { name: 'Border Road', ref: 'E 117;M 6', osm_id: i })), gaps };
}

describe('road pieces (OSM ways)', () => {
  it('gives a 9-piece shuffled and partly reversed road the placements of the single line', () => {
    const single = model(collection([feature(line)]));
    const { features, gaps } = osmPieces();
    const stitched = model(collection(features));
    expect(stitched.parts).toHaveLength(1);
    expect(stitched.pieces).toMatchObject({ pieces: 9, reversed: 3, stretches: 1 });
    expect(stitched.pieces!.gaps_bridged).toHaveLength(gaps);
    expect(stitched.pieces!.gaps_bridged.every((g) => g.gap_m > 4 && g.gap_m < 6)).toBe(true);
    expect(stitched.length_m).toBeCloseTo(single.length_m, 0);

    const rng = createRng(5);
    const points = Array.from({ length: 500 }, () => {
      const i = 1 + Math.floor(rng.next() * 398);
      const [x, y] = line[i];
      return frame.pixelToMetric([x + rng.uniform(-4, 4), y + rng.uniform(-16, 16)]);
    });
    const a = placeOnRoad(single, points, { corridor_m: 15, driveSide: 'right' });
    const b = placeOnRoad(stitched, points, { corridor_m: 15, driveSide: 'right' });
    expect(b.map((p) => p?.direction)).toEqual(a.map((p) => p?.direction));
    b.forEach((p, i) => expect(Math.abs(p!.chainage_m - a[i]!.chainage_m)).toBeLessThan(0.05));
  });

  it('keeps the drawing direction most of the road is drawn in', () => {
    const flipped = osmPieces().features.map((f) => {
      const g = (f as { geometry: { coordinates: PixelPoint[] } }).geometry;
      return feature([...g.coordinates].reverse());
    });
    const m = model(collection(flipped));
    // The 6 pieces drawn east to west now lead; the other 3 are used reversed.
    expect(m.pieces!.reversed).toBe(3);
    // Drawn mostly from x = 4000 to x = 0: chainage 0 is the east end.
    expect(m.parts[0].pixel[0][0]).toBeCloseTo(4000);
  });

  it('picks one road by --road-name or --road-ref and ignores the others', () => {
    const other = feature([[0, 100], [4000, 120]], { name: 'Valley Road', ref: 'A 5' });
    const { features } = osmPieces();
    const text = collection([other, ...features]);
    expect(() => model(text)).toThrow(/several roads that do not join into one line; pick one road with --road-name or --road-ref \(roads in the file: "Valley Road" \(ref A 5\), "Border Road"/);
    expect(model(text, { name: 'border road' }).pieces).toMatchObject({ pieces: 9, stretches: 1 });
    expect(model(text, { ref: 'E117' }).pieces).toMatchObject({ pieces: 9, stretches: 1 });
    expect(model(text, { ref: 'A 5' }).pieces).toBeNull();
    expect(() => model(text, { name: 'Nowhere Street' })).toThrow(/no line has name "Nowhere Street"; roads in the file: "Valley Road" \(ref A 5\), "Border Road"/);
  });

  it('refuses pieces that branch, with exit code 2 and a hint', () => {
    const spur = feature([line[200], [2000, 1100]]);
    const { features } = osmPieces();
    let err: unknown;
    try {
      model(collection([...features, spur]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SatcountError);
    expect((err as SatcountError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/^road osm\.geojson: 3 pieces meet near \(2000, [\d.]+\), so the road branches there; pick one road with --road-name or --road-ref/);
  });

  it('keeps a short way between two junctions (a bridge) in the chain', () => {
    const bridge = [line[100], line[101]];
    const m = model(collection([feature(line.slice(0, 101)), feature(line.slice(101).reverse()), feature(bridge)]));
    expect(m.pieces).toMatchObject({ pieces: 3, stretches: 1, gaps_bridged: [] });
  });

  it('leaves stretches far apart as separate parts, in file order', () => {
    const m = model(collection([feature(line.slice(0, 100)), feature(line.slice(200))]));
    expect(m.pieces).toMatchObject({ pieces: 2, stretches: 2 });
    expect(m.parts).toHaveLength(2);
  });
});
