import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import {
  assignLanes,
  buildRoadModel,
  densityProfile,
  findQueues,
  makeFrame,
  parseRoad,
  placeOnRoad,
  tilesMeetingCorridor,
} from '../src/road/index.js';
import type { MetricPoint } from '../src/road/index.js';
import { SatcountError, type PixelPoint } from '../src/types.js';
import { pixelImage, pixelRoad, utmImage } from './helpers/road.js';

const right = { corridor_m: 15, driveSide: 'right' } as const;
const left = { corridor_m: 15, driveSide: 'left' } as const;

describe('metric frame', () => {
  const image = utmImage(4000, 4000, 0.5);
  const frame = makeFrame(image);
  const [lon0, lat0] = image.georef!.crsToLonLat(image.georef!.pixelToCrs([1500, 2500]));

  it('gives a 1 km meridian line in WGS84 a chainage of 1000 m', () => {
    // 1000 m due north along the meridian: exact in a transverse Mercator centred on that meridian.
    const local = `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m`;
    const end = proj4(local, 'WGS84', [0, 1000]);
    const text = JSON.stringify({ type: 'LineString', coordinates: [[lon0, lat0], end] });
    const road = buildRoadModel(parseRoad(text, 'north.geojson'), frame, image);
    expect(Math.abs(road.length_m - 1000)).toBeLessThan(0.5);
  });

  it('gives a 1 km east-west line in WGS84 a chainage of 1000 m', () => {
    // Along a parallel, 1000 m spans 1000 / (N cos φ) radians of longitude (N: prime vertical radius).
    const a = 6378137;
    const e2 = 0.00669437999014;
    const phi = (lat0 * Math.PI) / 180;
    const N = a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
    const dLon = ((1000 / (N * Math.cos(phi))) * 180) / Math.PI;
    const text = JSON.stringify({ type: 'LineString', coordinates: [[lon0, lat0], [lon0 + dLon, lat0]] });
    const road = buildRoadModel(parseRoad(text, 'east.geojson'), frame, image);
    expect(Math.abs(road.length_m - 1000)).toBeLessThan(0.5);
    expect(road.coveredRanges).toEqual([{ start_m: 0, end_m: road.length_m }]);
  });

  it('places a vehicle drawn 5 m right of a UTM road at offset +5', () => {
    const text = JSON.stringify({
      type: 'LineString',
      crs: { type: 'name', properties: { name: 'EPSG:32638' } },
      coordinates: [[450_100, 4_449_000], [451_100, 4_449_000]],
    });
    const road = buildRoadModel(parseRoad(text, 'utm.geojson'), frame, image);
    // Pixel row 2000 is northing 4 449 000; 10 px down (south, the right of an eastward line) is 5 m.
    const [p] = placeOnRoad(road, [frame.pixelToMetric([600, 2010])], right);
    // 200 m of UTM grid 50 km west of the central meridian (scale 0.99963) is 200.074 m of ground.
    expect(p!.chainage_m).toBeCloseTo(200.074, 2);
    expect(p!.offset_m).toBeCloseTo(5, 2);
    expect(p!.direction).toBe('forward');
  });

  it('maps pixels to metres and back', () => {
    const p: PixelPoint = [123.25, 3456.5];
    const back = frame.metricToPixel(frame.pixelToMetric(p));
    expect(back[0]).toBeCloseTo(p[0], 6);
    expect(back[1]).toBeCloseTo(p[1], 6);
  });

  it('needs --road-crs pixel for a pixel-only image', () => {
    const image = pixelImage(100, 100, 0.3);
    const road = parseRoad(JSON.stringify({ type: 'LineString', coordinates: [[44.5, 40.1], [44.51, 40.1]] }), 'r.geojson');
    expect(() => buildRoadModel(road, makeFrame(image), image)).toThrow(/options.road.crs pixel/);
  });
});

describe('coverage', () => {
  it('reports the covered chainage of a road crossing the image edge', () => {
    const { road } = pixelRoad([[[-100, 50], [200, 50]]], pixelImage(100, 100));
    expect(road.length_m).toBeCloseTo(300);
    expect(road.coveredRanges).toHaveLength(1);
    expect(road.coveredRanges[0].start_m).toBeCloseTo(100);
    expect(road.coveredRanges[0].end_m).toBeCloseTo(200);
  });

  it('reports two ranges for a road that leaves and re-enters the image', () => {
    const { road } = pixelRoad([[[10, 10], [150, 10], [150, 90], [10, 90]]], pixelImage(100, 100));
    expect(road.coveredRanges.map((r) => [Math.round(r.start_m), Math.round(r.end_m)])).toEqual([
      [0, 90],
      [270, 360],
    ]);
  });

  it('refuses a road that misses the image with exit code 2', () => {
    const err = (() => {
      try {
        pixelRoad([[[200, 200], [300, 300]]], pixelImage(100, 100));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SatcountError);
    expect((err as SatcountError).exitCode).toBe(2);
    expect((err as SatcountError).message).toBe('road road.geojson does not cross image export.png');
  });

  it('selects only the tiles that meet the corridor', () => {
    const { road } = pixelRoad([[[0, 150], [400, 150]]], pixelImage(400, 400));
    const windows = [0, 100, 200, 300].map((y) => ({ x: 0, y, width: 400, height: 100 }));
    expect(tilesMeetingCorridor(road, windows, 10)).toEqual([false, true, false, false]);
    expect(tilesMeetingCorridor(road, windows, 60)).toEqual([true, true, true, false]);
  });
});

describe('placeOnRoad', () => {
  // Pixel-only image with 1 m pixels: metric = (x, −y), so pixel y grows southward.
  const straight = pixelRoad([[[0, 500], [1000, 500]]]);
  const at = (x: number, y: number): MetricPoint => straight.frame.pixelToMetric([x, y]);

  it('puts right-hand traffic on the right of the drawing direction', () => {
    const [south, north] = placeOnRoad(straight.road, [at(100, 505), at(300, 495)], right);
    expect(south).toMatchObject({ direction: 'forward', lane: 0 });
    expect(south!.chainage_m).toBeCloseTo(100);
    expect(south!.offset_m).toBeCloseTo(5);
    expect(north).toMatchObject({ direction: 'backward' });
    expect(north!.offset_m).toBeCloseTo(-5);
  });

  it('flips directions for left-hand traffic', () => {
    const [south, north] = placeOnRoad(straight.road, [at(100, 505), at(300, 495)], left);
    expect(south!.direction).toBe('backward');
    expect(north!.direction).toBe('forward');
  });

  it('flips direction and chainage when the road is drawn against traffic', () => {
    const reversed = pixelRoad([[[1000, 500], [0, 500]]]);
    const [south] = placeOnRoad(reversed.road, [at(100, 505)], right);
    expect(south!.direction).toBe('backward');
    expect(south!.offset_m).toBeCloseTo(-5);
    expect(south!.chainage_m).toBeCloseTo(900);
  });

  it('treats a vehicle exactly on the centre line as right-hand side, offset 0', () => {
    const [r] = placeOnRoad(straight.road, [at(250, 500)], right);
    const [l] = placeOnRoad(straight.road, [at(250, 500)], left);
    expect(r).toMatchObject({ offset_m: 0, direction: 'forward' });
    expect(Object.is(r!.offset_m, -0)).toBe(false);
    expect(l).toMatchObject({ offset_m: 0, direction: 'backward' });
  });

  it('leaves points outside the corridor or beyond the road ends unplaced', () => {
    const placed = placeOnRoad(straight.road, [at(100, 520), at(-5, 500), at(1004, 502), at(100, 514)], right);
    expect(placed.map((p) => p !== null)).toEqual([false, false, false, true]);
  });

  it('measures chainage along a curve', () => {
    // Quarter circle of radius 200 m turning left (counter-clockwise on the ground), 90 vertices.
    const centre: PixelPoint = [200, 800];
    const arc: PixelPoint[] = Array.from({ length: 91 }, (_, i) => {
      const a = ((-90 + i) * Math.PI) / 180;
      return [centre[0] + 200 * Math.cos(a), centre[1] - 200 * Math.sin(a)];
    });
    const curved = pixelRoad([arc]);
    const outside = (r: number, deg: number): MetricPoint => {
      const a = ((-90 + deg) * Math.PI) / 180;
      return curved.frame.pixelToMetric([centre[0] + r * Math.cos(a), centre[1] - r * Math.sin(a)]);
    };
    const [outer, inner] = placeOnRoad(curved.road, [outside(205, 30.5), outside(195, 60.5)], right);
    // Outside a left-hand bend is the right of travel.
    expect(outer!.offset_m).toBeCloseTo(5, 1);
    expect(outer!.direction).toBe('forward');
    expect(outer!.chainage_m).toBeCloseTo((200 * 30.5 * Math.PI) / 180, 0);
    expect(inner!.offset_m).toBeCloseTo(-5, 1);
    expect(inner!.chainage_m).toBeCloseTo((200 * 60.5 * Math.PI) / 180, 0);
  });

  it('keeps a vehicle on its own leg of a hairpin: chainage never jumps to the other leg', () => {
    // Out east along y = 100, back west along y = 120: two legs 20 m apart.
    const hairpin = pixelRoad([[[0, 100], [300, 100], [300, 120], [0, 120]]]);
    const leg1 = Array.from({ length: 29 }, (_, i) => hairpin.frame.pixelToMetric([10 + i * 10, 109]));
    const placed = placeOnRoad(hairpin.road, leg1, right);
    const chainages = placed.map((p) => p!.chainage_m);
    chainages.forEach((c, i) => expect(c).toBeCloseTo(10 + i * 10, 6));
    expect(placed.every((p) => p!.direction === 'forward' && Math.abs(p!.offset_m - 9) < 1e-9)).toBe(true);
    const [onLeg2] = placeOnRoad(hairpin.road, [hairpin.frame.pixelToMetric([150, 116])], right);
    expect(onLeg2!.chainage_m).toBeCloseTo(300 + 20 + 150);
    expect(onLeg2!.offset_m).toBeCloseTo(4);
    // Exactly half-way between the legs: the leg drawn first wins.
    const [middle] = placeOnRoad(hairpin.road, [hairpin.frame.pixelToMetric([150, 110])], right);
    expect(middle!.chainage_m).toBeCloseTo(150);
  });

  it('keeps the side of a point outside a bend, where two segments tie', () => {
    // East then north; a point due east of the corner lies outside the bend, on the right.
    const bend = pixelRoad([[[0, 500], [100, 500], [100, 400]]]);
    const [p] = placeOnRoad(bend.road, [bend.frame.pixelToMetric([105, 500])], right);
    expect(p!.offset_m).toBeCloseTo(5);
    expect(p!.chainage_m).toBeCloseTo(100);
  });

  it('continues chainage across MultiLineString parts without counting the gap', () => {
    const multi = pixelRoad([
      [[0, 500], [100, 500]],
      [[200, 500], [300, 500]],
    ]);
    expect(multi.road.length_m).toBeCloseTo(200);
    const [onSecond, inGap] = placeOnRoad(multi.road, [at(250, 503), at(150, 502)], right);
    expect(onSecond!.chainage_m).toBeCloseTo(150);
    expect(inGap).toBeNull();
  });

  it('numbers lanes from the centre line within each direction', () => {
    const jitter = [0.3, -0.4, 0.1, 0.5, -0.2, 0, -0.5, 0.4];
    const pts = jitter.flatMap((j, i) => [at(10 + i * 8, 500 + 1.75 + j), at(12 + i * 8, 500 + 5.25 - j), at(14 + i * 8, 500 - 1.75 + j)]);
    const placed = placeOnRoad(straight.road, pts, right);
    expect(placed.map((p) => p!.lane)).toEqual(jitter.flatMap(() => [0, 1, 0]));
  });
});

describe('assignLanes', () => {
  it('keeps an empty middle lane and ignores a stray centre', () => {
    const lanes = assignLanes([1.7, 1.8, 1.6, 1.9, 8.7, 8.8, 8.9, 8.6, 0.2]);
    expect(lanes).toEqual([0, 0, 0, 0, 2, 2, 2, 2, 0]);
  });
  it('uses the given lane width', () => {
    expect(assignLanes([2, 5, 8], 3)).toEqual([0, 1, 2]);
  });
});

describe('a WGS84 road over a UTM image, end to end through the pure functions', () => {
  it('covers, places and queues vehicles laid out on the ground', () => {
    // 1 km × 1 km image at 0.5 m; the road enters 100 m before the west edge and bends north-east.
    const image = utmImage(2000, 2000, 0.5);
    const frame = makeFrame(image);
    const g = image.georef!;
    const pixelLine: PixelPoint[] = [[-200, 1200], [800, 1200], [1400, 800], [2000, 400]];
    const lonLat = pixelLine.map((p) => g.crsToLonLat(g.pixelToCrs(p)));
    const road = buildRoadModel(parseRoad(JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: lonLat } }), 'r.geojson'), frame, image);
    expect(road.coveredRanges).toHaveLength(1);
    expect(road.coveredRanges[0].start_m).toBeCloseTo(100 / 0.99963, 2);
    expect(road.coveredRanges[0].end_m).toBeCloseTo(road.length_m, 3);

    // Forward queue: two lanes, 8 m spacing, 150–450 m of chainage on the first (straight) leg,
    // which runs east along pixel row 1200: chainage c is pixel x = 2c − 200; right of travel is +y.
    const cars: MetricPoint[] = [];
    for (let c = 150; c <= 450; c += 8) {
      for (const offset of [1.75, 5.25]) cars.push(frame.pixelToMetric([2 * c - 200, 1200 + 2 * offset]));
    }
    const placed = placeOnRoad(road, cars, right);
    expect(placed.every((p) => p?.direction === 'forward')).toBe(true);
    expect(placed.map((p) => p!.lane)).toEqual(cars.map((_, i) => i % 2));
    // Laid out in UTM grid metres; chainage is ground metres (UTM scale here 0.99963).
    const ground = (gridMetres: number) => gridMetres / 0.99963;
    placed.forEach((p, i) => expect(p!.chainage_m).toBeCloseTo(ground(150 + 8 * Math.floor(i / 2)), 2));

    const [q] = findQueues(placed, { queueHead: 'end', hidden: [], coveredRanges: road.coveredRanges, length_m: road.length_m });
    expect(q).toMatchObject({ direction: 'forward', lanes: 2, vehicles_observed: cars.length, vehicles_estimated: cars.length });
    expect(q.length_m).toBeCloseTo(ground(296), 1);
    const profile = densityProfile(placed, road, 100);
    expect(profile.forward.reduce((a, b) => a + b)).toBe(cars.length);
  });
});
