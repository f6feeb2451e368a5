import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { SatcountError, SettingsError } from '../../types.js';
import { LABEL_FORMATS, type ImageLabels, type LabelFormat, type LabelTarget } from '../types.js';
import { isCoco, parseCoco } from './coco.js';
import { parseDota } from './dota.js';
import { isGeoJson, parseGeoJsonLabels } from './geojson.js';
import { parseClassNames, parseYolo } from './yolo.js';

/** Where the labels of each image come from: a folder of per-image files, or one file for all. */
export interface LabelSource {
  format: LabelFormat;
  /** From `classes.names` beside the labels (YOLO); null when there is none. */
  classNames: string[] | null;
  /** The labels of one image; a folder without a file for it yields no boxes and `file: null`. */
  forImage(target: LabelTarget): Promise<ImageLabels & { file: string | null }>;
}

// labelImg writes classes.txt; keep it out of the label files.
const CLASS_NAME_FILES = ['classes.names', 'obj.names', 'classes.txt'];
const JSON_EXTS = ['.json', '.geojson'];

/**
 * Opens `--labels <dir|file>`. `format` (from `--label-format`) is detected when not given: `.txt`
 * files are DOTA when a line holds eight coordinates and a class name (or a `gsd:` header), else
 * YOLO; JSON with `images` and `annotations` is COCO, with a GeoJSON `type` GeoJSON.
 *
 * @example const labels = await openLabels('data/labels');
 *   const { boxes } = await labels.forImage({ path: 'data/img1.png', width: 1920, height: 1080 });
 */
export async function openLabels(path: string, format?: LabelFormat): Promise<LabelSource> {
  if (format !== undefined && !LABEL_FORMATS.includes(format)) {
    throw new SettingsError('labelFormat', (n) => `${n} ${format}: expected one of ${LABEL_FORMATS.join(', ')}`);
  }
  const kind = await stat(path).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => {
      throw new SatcountError(`labels ${path}: no such file or folder`);
    },
  );
  if (kind === 'file') return openFile(path, format, await readClassNames(dirname(path)));

  const names = await readdir(path);
  const classNames = await readClassNames(path);
  const txt = names.filter((n) => extname(n).toLowerCase() === '.txt' && !CLASS_NAME_FILES.includes(n)).sort();
  const json = names.filter((n) => JSON_EXTS.includes(extname(n).toLowerCase())).sort();
  if (txt.length === 0 && json.length === 1) return openFile(join(path, json[0]), format, classNames);
  if (txt.length + json.length === 0) {
    throw new SatcountError(`labels ${path}: the folder holds no .txt, .json or .geojson label file`);
  }
  const fmt = format ?? (await sniffFolder(path, [...txt, ...json]));
  const exts = fmt === 'yolo' || fmt === 'dota' ? ['.txt'] : JSON_EXTS;
  const byStem = new Map<string, string>();
  for (const n of names) {
    if (exts.includes(extname(n).toLowerCase())) byStem.set(stemOf(n), join(path, n));
  }
  return {
    format: fmt,
    classNames,
    async forImage(target) {
      const file = byStem.get(stemOf(target.path));
      if (!file) return { boxes: [], gsd_m: null, file: null };
      return { ...parseFile(fmt, await readText(file), file, target, classNames), file };
    },
  };
}

async function openFile(path: string, format: LabelFormat | undefined, classNames: string[] | null): Promise<LabelSource> {
  const text = await readText(path);
  const fmt = format ?? sniff(text, path);
  if (fmt === 'coco') {
    const coco = parseCoco(parseJson(text, path), path);
    return { format: fmt, classNames, forImage: async (t) => ({ boxes: coco.labelsFor(t.path), gsd_m: null, file: path }) };
  }
  // One text label file labels one image; a second image would silently get the first one's boxes.
  let labelled: string | null = null;
  const doc = fmt === 'geojson' ? parseJson(text, path) : null;
  return {
    format: fmt,
    classNames,
    async forImage(target) {
      if (fmt !== 'geojson') {
        if (labelled !== null && labelled !== target.path) {
          throw new SatcountError(`labels ${path}: one ${fmt.toUpperCase()} file cannot label several images; give a folder with one file per image`);
        }
        labelled = target.path;
      }
      const labels = fmt === 'geojson' ? { boxes: parseGeoJsonLabels(doc, target, path), gsd_m: null } : parseFile(fmt, text, path, target, classNames);
      return { ...labels, file: path };
    },
  };
}

function parseFile(fmt: LabelFormat, text: string, file: string, target: LabelTarget, classNames: string[] | null): ImageLabels {
  switch (fmt) {
    case 'yolo':
      return { boxes: parseYolo(text, { width: target.width, height: target.height, classNames, source: file }), gsd_m: null };
    case 'dota':
      return parseDota(text, file);
    case 'coco':
      return { boxes: parseCoco(parseJson(text, file), file).labelsFor(target.path), gsd_m: null };
    case 'geojson':
      return { boxes: parseGeoJsonLabels(parseJson(text, file), target, file), gsd_m: null };
  }
}

/** Guesses a label file's format from its content. */
export function sniff(text: string, file: string): LabelFormat {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const doc = parseJson(text, file);
    if (isCoco(doc)) return 'coco';
    if (isGeoJson(doc)) return 'geojson';
    throw new SatcountError(`labels ${file}: JSON that is neither COCO (images, annotations) nor GeoJSON`);
  }
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (l === '' || l.startsWith('#')) continue;
    if (/^(imagesource|gsd)\s*:/i.test(l)) return 'dota';
    const fields = l.split(/\s+/);
    return fields.length >= 9 && !Number.isFinite(Number(fields[8])) ? 'dota' : 'yolo';
  }
  // An empty file has no boxes in either format; YOLO is the common case of empty label files.
  return 'yolo';
}

/** The format of the first label file with content (empty files say nothing). */
async function sniffFolder(dir: string, files: string[]): Promise<LabelFormat> {
  for (const f of files) {
    const text = await readText(join(dir, f));
    if (text.trim() !== '') return sniff(text, join(dir, f));
  }
  return 'yolo';
}

async function readClassNames(dir: string): Promise<string[] | null> {
  for (const name of CLASS_NAME_FILES) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => null);
    if (text !== null) return parseClassNames(text);
  }
  return null;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new SatcountError(`labels ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SatcountError(`labels ${file}: not valid JSON (${(e as Error).message})`);
  }
}

function stemOf(path: string): string {
  const name = basename(path);
  return name.slice(0, name.length - extname(name).length);
}
