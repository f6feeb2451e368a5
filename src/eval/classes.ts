import { SettingsError } from '../types.js';
import type { ClassFilter } from './types.js';

/**
 * Class names that count as vehicles when `--classes` is not given: the KIT/Minsk names (car,
 * truck, bus, minibus; not cyclist), DOTA's small-/large-vehicle, and common synonyms.
 */
export const DEFAULT_VEHICLE_NAMES = [
  'car', 'truck', 'bus', 'minibus', 'van', 'vehicle', 'small-vehicle', 'large-vehicle',
  'pickup', 'pickup-truck', 'trailer', 'lorry', 'suv', 'tractor',
];

/**
 * Reads `--classes`: label classes, by name or by YOLO index, that count as vehicles, e.g.
 * `car,truck,bus,minibus=vehicle` or `0,1,2,3` (the `=vehicle` suffix is optional). Indices go
 * through `classNames` when the labels have them. Without a spec, `DEFAULT_VEHICLE_NAMES` count,
 * and so do classes known only by a number (YOLO labels without classes.names), since nothing
 * says what they are. Names compare case-insensitively, `_` and spaces as `-`.
 *
 * @example classFilter('0,1', ['car', 'truck', 'cyclist']).isVehicle('truck') // → true
 */
export function classFilter(spec: string | undefined, classNames: readonly string[] | null): ClassFilter {
  if (spec === undefined || spec.trim() === '') {
    const names = new Set(DEFAULT_VEHICLE_NAMES);
    return {
      isVehicle: (c) => names.has(normalise(c)) || /^\d+$/.test(c.trim()),
      describe: `${DEFAULT_VEHICLE_NAMES.slice(0, 4).join(', ')}, … (default vehicle names)`,
    };
  }
  const [list, target, extra] = spec.split('=');
  if (extra !== undefined || (target !== undefined && normalise(target) !== 'vehicle')) {
    throw new SettingsError('classes', (n) => `${n} ${spec}: expected a list of classes, optionally followed by "=vehicle"`);
  }
  const tokens = list.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tokens.length === 0) throw new SettingsError('classes', (n) => `${n} ${spec}: no class given`);
  const known = classNames ? new Set(classNames.map(normalise)) : null;
  const chosen = tokens.map((t) => {
    if (/^\d+$/.test(t) && classNames) {
      const name = classNames[Number(t)];
      if (name === undefined) throw new SettingsError('classes', (n) => `${n} ${spec}: index ${t} is beyond the ${classNames.length} label classes`);
      return name;
    }
    if (known && !known.has(normalise(t)) && !/^\d+$/.test(t)) {
      throw new SettingsError('classes', (n) => `${n} ${spec}: "${t}" is not a label class (${classNames!.join(', ')})`);
    }
    return t;
  });
  const set = new Set(chosen.map(normalise));
  return { isVehicle: (c) => set.has(normalise(c)), describe: chosen.join(', ') };
}

/** Whether a class name is one of DEFAULT_VEHICLE_NAMES (a label's or a model's class). */
export function isVehicleName(name: string): boolean {
  return DEFAULT_VEHICLE_NAMES.includes(normalise(name));
}

/** Class names compare case-insensitively, `_` and spaces as `-`. */
export function sameClassName(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, '-');
}
