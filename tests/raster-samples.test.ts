import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicInfo } from '../src/raster/info.js';
import { openRaster } from '../src/raster/open.js';
import { SatcountError } from '../src/types.js';

/**
 * Real GeoTIFFs from ../shared/data (not in a user's clone: skipped when absent). Expected values
 * were recorded once with GDAL 3.6.2 (`gdalinfo -json`, `gdallocationinfo -valonly` at the listed
 * pixels, `gdal_translate -b mask` for per-dataset masks, `gdaltransform -t_srs OGC:CRS84` for the
 * centre), so CI needs no GDAL.
 */
const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data');
const present = existsSync(join(DATA, 'geotiff-samples'));
if (!present) console.warn(`raster-samples: ${DATA} is absent; skipping the real-GeoTIFF checks`);

interface Expected {
  file: string;
  size: [number, number];
  bands: number;
  epsg: number | null;
  nodata: number | null;
  geoTransform: number[] | null;
  centre: [number, number] | null;
  /** GDAL's per-dataset mask (0 = invalid) at `points`, where the file has one. */
  mask: number[] | null;
  points: [number, number][];
  /** Every band's value at each point; null = NaN. */
  values: (number | null)[][];
}

const GDAL: Expected[] = [
  { file: 'geotiff-samples/drone_pix4d/pix4d_alpha_nodata.tif', size: [686, 758], bands: 4, epsg: 32750, nodata: -10000,
    geoTransform: [297463.30262000003, 0.35272, 0.0, 9050677.061350001, 0.0, -0.35272],
    centre: [115.160769588387, -8.58500070304868], mask: [0, 0, 255, 255, 255, 255],
    points: [[0, 0], [685, 757], [343, 379], [228, 505], [571, 108], [76, 151]],
    values: [[0, 0, 0, 0], [0, 0, 0, 0], [83, 82, 64, 255], [39, 28, 14, 255], [70, 64, 63, 255], [76, 65, 64, 255]] },
  { file: 'geotiff-samples/format_coverage/cog.tif', size: [2658, 2667], bands: 1, epsg: 32621, nodata: null,
    geoTransform: [373185.0, 100.01126757344893, 0.0, 8286015.0, 0.0, -100.01126757344893],
    centre: [-56.8079472832234, 73.4675735659621], mask: null,
    points: [[0, 0], [2657, 2666], [1329, 1333], [886, 1778], [2215, 381], [295, 533]],
    values: [[1], [1], [3744], [3744], [1], [1]] },
  { file: 'geotiff-samples/format_coverage/cog_dateline.tif', size: [2325, 2355], bands: 1, epsg: 32660, nodata: null,
    geoTransform: [570585.0, 100.01290322580645, 0.0, 5847615.0, 0.0, -100.01273885350318],
    centre: [179.703264177116, 51.6884730097544], mask: null,
    points: [[0, 0], [2324, 2354], [1162, 1177], [775, 1570], [1937, 336], [258, 471]],
    values: [[1], [1], [23826], [21952], [1], [1]] },
  { file: 'geotiff-samples/format_coverage/cog_gcps.tif', size: [1280, 837], bands: 1, epsg: null, nodata: null,
    geoTransform: null,
    centre: null, mask: null,
    points: [[0, 0], [1279, 836], [640, 418], [426, 558], [1066, 119], [142, 167]],
    values: [[67], [0], [142], [183], [125], [94]] },
  { file: 'geotiff-samples/format_coverage/cog_gradient.tif', size: [35, 33], bands: 1, epsg: 4326, nodata: null,
    geoTransform: [-175.0, 10.0, 0.0, 87.5, 0.0, -5.0],
    centre: [0.0, 5.0], mask: null,
    points: [[0, 0], [34, 32], [17, 16], [11, 22], [29, 4], [3, 6]],
    values: [[0], [1154], [577], [781], [169], [213]] },
  { file: 'geotiff-samples/format_coverage/cog_hirise_mars.tif', size: [1118, 1683], bands: 3, epsg: null, nodata: null,
    geoTransform: [7376380.5, 5.00134168157424, 0.0, -860015.5, 0.0, -5.001485442661913],
    centre: null, mask: null,
    points: [[0, 0], [1117, 1682], [559, 841], [372, 1122], [931, 240], [124, 336]],
    values: [[0, 0, 0], [0, 0, 0], [119, 84, 62], [112, 112, 112], [118, 118, 118], [110, 110, 110]] },
  { file: 'geotiff-samples/format_coverage/cog_int16.tif', size: [2658, 2667], bands: 1, epsg: 32621, nodata: -32768,
    geoTransform: [373185.0, 100.01126757344893, 0.0, 8286015.0, 0.0, -100.01126757344893],
    centre: [-56.8079472832234, 73.4675735659621], mask: null,
    points: [[0, 0], [2657, 2666], [1329, 1333], [886, 1778], [2215, 381], [295, 533]],
    values: [[-32768], [-32768], [95], [95], [-32768], [-32768]] },
  { file: 'geotiff-samples/format_coverage/cog_nodata_nan.tif', size: [549, 549], bands: 1, epsg: 32610, nodata: 0,
    geoTransform: [499980.0, 200.0, 0.0, 5300040.0, 0.0, -200.0],
    centre: [-122.273275595056, 47.3574184931268], mask: null,
    points: [[0, 0], [548, 548], [274, 274], [183, 366], [457, 78], [61, 109]],
    values: [[0], [0.102883756160736], [0], [0], [0.186932966113091], [0]] },
  { file: 'geotiff-samples/format_coverage/inverted_lat.tif', size: [720, 360], bands: 1, epsg: 4326, nodata: -9999,
    geoTransform: [-180.0, 0.5, 0.0, -90.0, 0.0, 0.5],
    centre: [0.0, 0.0], mask: null,
    points: [[0, 0], [719, 359], [360, 180], [240, 240], [600, 51], [80, 72]],
    values: [[-9999], [-9999], [-9999], [-9999], [-9999], [-9999]] },
  { file: 'geotiff-samples/format_coverage/lowres.tif', size: [128, 130], bands: 1, epsg: 32617, nodata: 0,
    geoTransform: [471585.0, 1800.0, 0.0, 3787515.0, 0.0, -1800.0],
    centre: [-80.0692097125628, 33.1699628322834], mask: null,
    points: [[0, 0], [127, 129], [64, 65], [42, 86], [106, 18], [14, 26]],
    values: [[0], [0], [9973], [9460], [11101], [0]] },
  { file: 'geotiff-samples/format_coverage/nocog.tif', size: [2658, 2667], bands: 1, epsg: 32621, nodata: null,
    geoTransform: [373185.0, 100.01126757344893, 0.0, 8286015.0, 0.0, -100.01126757344893],
    centre: [-56.8079472832234, 73.4675735659621], mask: null,
    points: [[0, 0], [2657, 2666], [1329, 1333], [886, 1778], [2215, 381], [295, 533]],
    values: [[1], [1], [3744], [3744], [1], [1]] },
  { file: 'geotiff-samples/format_coverage/web.tif', size: [1024, 1024], bands: 1, epsg: 3857, nodata: 0,
    geoTransform: [-8766409.899970293, 611.49622628141, 0.0, 6105178.323193597, 0.0, -611.49622628141],
    centre: [-75.9375, 46.0732306254083], mask: null,
    points: [[0, 0], [1023, 1023], [512, 512], [341, 682], [853, 146], [113, 204]],
    values: [[0], [0], [13250], [15416], [0], [0]] },
  { file: 'geotiff-samples/hro_denver_0.15m/201404_13SED190110_201404_0x1500m_CL_1.tif', size: [383, 232], bands: 3, epsg: 26913, nodata: null,
    geoTransform: [519467.4957275815, 0.1498155294195323, 0.0, 4311669.7657353515, 0.0, -0.1499978958645129],
    centre: [-104.774996381912, 38.9536067861533], mask: null,
    points: [[0, 0], [382, 231], [191, 116], [127, 154], [319, 33], [42, 46]],
    values: [[140, 145, 113], [174, 167, 150], [144, 131, 116], [66, 77, 98], [66, 77, 86], [190, 195, 178]] },
  { file: 'geotiff-samples/hro_denver_0.15m/201404_13SED190110_201404_0x1500m_CL_1_alpha.tif', size: [383, 232], bands: 4, epsg: 26913, nodata: null,
    geoTransform: [519467.4957275815, 0.1498155294195323, 0.0, 4311669.7657353515, 0.0, -0.1499978958645129],
    centre: [-104.774996381912, 38.9536067861533], mask: [0, 255, 255, 255, 255, 0],
    points: [[0, 0], [382, 231], [191, 116], [127, 154], [319, 33], [42, 46]],
    values: [[140, 145, 113, 0], [174, 167, 150, 255], [144, 131, 116, 255], [66, 77, 98, 255], [66, 77, 86, 255], [190, 195, 178, 0]] },
  { file: 'geotiff-samples/hro_denver_0.15m/201404_13SED190110_201404_0x1500m_CL_1_extmask.tif', size: [383, 232], bands: 3, epsg: 26913, nodata: null,
    geoTransform: [519467.4957275815, 0.1498155294195323, 0.0, 4311669.7657353515, 0.0, -0.1499978958645129],
    centre: [-104.774996381912, 38.9536067861533], mask: [0, 255, 255, 255, 255, 255],
    points: [[0, 0], [382, 231], [191, 116], [127, 154], [319, 33], [42, 46]],
    values: [[0, 0, 0], [174, 167, 150], [144, 131, 116], [66, 77, 98], [66, 77, 86], [190, 195, 178]] },
  { file: 'geotiff-samples/hro_denver_0.15m/201404_13SED190110_201404_0x1500m_CL_1_mask.tif', size: [383, 232], bands: 3, epsg: 26913, nodata: null,
    geoTransform: [519467.4957275815, 0.1498155294195323, 0.0, 4311669.7657353515, 0.0, -0.1499978958645129],
    centre: [-104.774996381912, 38.9536067861533], mask: [0, 255, 255, 255, 255, 255],
    points: [[0, 0], [382, 231], [191, 116], [127, 154], [319, 33], [42, 46]],
    values: [[0, 0, 0], [174, 167, 150], [144, 131, 116], [66, 77, 98], [66, 77, 86], [190, 195, 178]] },
  { file: 'geotiff-samples/hro_denver_0.15m/201404_13SED190110_201404_0x1500m_CL_1_nodata.tif', size: [383, 232], bands: 3, epsg: 26913, nodata: 0,
    geoTransform: [519467.4957275815, 0.1498155294195323, 0.0, 4311669.7657353515, 0.0, -0.1499978958645129],
    centre: [-104.774996381912, 38.9536067861533], mask: null,
    points: [[0, 0], [382, 231], [191, 116], [127, 154], [319, 33], [42, 46]],
    values: [[0, 0, 0], [174, 167, 150], [144, 131, 116], [66, 77, 98], [66, 77, 86], [190, 195, 178]] },
  { file: 'geotiff-samples/hro_denver_0.15m/cog_rgb.tif', size: [383, 232], bands: 3, epsg: 26913, nodata: null,
    geoTransform: [519467.4957275815, 0.1498155294195323, 0.0, 4311669.7657353515, 0.0, -0.1499978958645129],
    centre: [-104.774996381912, 38.9536067861533], mask: null,
    points: [[0, 0], [382, 231], [191, 116], [127, 154], [319, 33], [42, 46]],
    values: [[141, 146, 139], [171, 163, 160], [135, 124, 122], [65, 77, 91], [66, 78, 92], [190, 193, 176]] },
  { file: 'geotiff-samples/hro_denver_0.15m/cog_rgb_mask.tif', size: [383, 232], bands: 3, epsg: 26913, nodata: null,
    geoTransform: [519467.4957275815, 0.1498155294195323, 0.0, 4311669.7657353515, 0.0, -0.1499978958645129],
    centre: [-104.774996381912, 38.9536067861533], mask: [0, 255, 255, 255, 255, 255],
    points: [[0, 0], [382, 231], [191, 116], [127, 154], [319, 33], [42, 46]],
    values: [[0, 0, 0], [174, 167, 150], [144, 131, 116], [66, 77, 98], [66, 77, 86], [190, 195, 178]] },
  { file: 'geotiff-samples/hro_denver_0.15m/cog_rgba.tif', size: [383, 232], bands: 4, epsg: 26913, nodata: null,
    geoTransform: [519467.4957275815, 0.1498155294195323, 0.0, 4311669.7657353515, 0.0, -0.1499978958645129],
    centre: [-104.774996381912, 38.9536067861533], mask: [0, 255, 255, 255, 255, 0],
    points: [[0, 0], [382, 231], [191, 116], [127, 154], [319, 33], [42, 46]],
    values: [[0, 0, 0, 0], [174, 167, 150, 255], [144, 131, 116, 255], [66, 77, 98, 255], [66, 77, 86, 255], [0, 0, 0, 0]] },
  { file: 'geotiff-samples/solaris_atlanta_0.5m/sample_geotiff.tif', size: [900, 900], bands: 1, epsg: 32616, nodata: 0,
    geoTransform: [733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5],
    centre: [-84.4789363291261, 33.6383960237611], mask: null,
    points: [[0, 0], [899, 899], [450, 450], [300, 600], [750, 128], [100, 180]],
    values: [[132], [949], [686], [262], [535], [1042]] },
  { file: 'geotiff-samples/solaris_atlanta_0.5m/sample_geotiff_custom_proj.tif', size: [512, 512], bands: 3, epsg: null, nodata: -9999,
    geoTransform: [-673425.0, 30.0, 0.0, 2130165.0, 0.0, -30.0],
    centre: [-104.084999822982, 41.8501523343747], mask: null,
    points: [[0, 0], [511, 511], [256, 256], [170, 341], [426, 73], [56, 102]],
    values: [[843, 1300, 1369], [652, 1020, 1082], [1284, 1787, 2135], [1089, 1578, 1763], [583, 837, 877], [711, 1018, 1081]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img50.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.68439462, 4.4928093607e-06, 0.0, -22.9514834242, 0.0, -4.4886931035e-06],
    centre: [-43.68341069475, -22.9523946289], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[95, 107, 67], [97, 116, 70], [87, 101, 75], [58, 79, 38], [41, 55, 32], [88, 100, 60]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img51.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6844120857, 4.4927465753e-06, 0.0, -22.9496772035, 0.0, -4.4886906404e-06],
    centre: [-43.6834281742, -22.9505884077], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[71, 89, 49], [59, 73, 48], [84, 109, 69], [83, 89, 55], [24, 37, 11], [95, 102, 61]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img52.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6844295495, 4.4926833333e-06, 0.0, -22.9478709823, 0.0, -4.4886881773e-06],
    centre: [-43.68344565185, -22.948782186], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[69, 78, 49], [106, 114, 75], [69, 92, 50], [30, 45, 24], [89, 96, 88], [76, 92, 53]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img53.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6844470116, 4.4926203196e-06, 0.0, -22.9460647608, 0.0, -4.4886857143e-06],
    centre: [-43.68346312775, -22.946975964], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[93, 102, 71], [113, 115, 101], [109, 102, 83], [23, 27, 10], [187, 182, 163], [184, 180, 151]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img54.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6844644719, 4.4925570776e-06, 0.0, -22.9442585388, 0.0, -4.4886832512e-06],
    centre: [-43.6834806019, -22.9451697415], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[101, 97, 68], [31, 29, 14], [127, 131, 114], [19, 21, 10], [70, 90, 53], [31, 29, 16]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img55.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6844819305, 4.4924940639e-06, 0.0, -22.9424523164, 0.0, -4.4886807882e-06],
    centre: [-43.6834980743, -22.9433635186], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[52, 44, 25], [162, 154, 133], [18, 13, 0], [101, 107, 93], [165, 158, 130], [166, 128, 92]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img56.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6844993873, 4.4924310502e-06, 0.0, -22.9406460935, 0.0, -4.4886783251e-06],
    centre: [-43.6835155449, -22.9415572952], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[152, 161, 156], [89, 103, 68], [173, 171, 150], [118, 110, 91], [70, 80, 56], [113, 123, 99]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img57.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6845168423, 4.4923678082e-06, 0.0, -22.9388398703, 0.0, -4.4886758621e-06],
    centre: [-43.68353301375, -22.9397510715], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[0, 0, 0], [82, 85, 56], [64, 63, 45], [95, 97, 76], [0, 0, 0], [0, 0, 0]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img58.tif', size: [438, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6845342956, 4.4923047945e-06, 0.0, -22.9370336466, 0.0, -4.488673399e-06],
    centre: [-43.68355048085, -22.9379448473], mask: null,
    points: [[0, 0], [437, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img59.tif', size: [439, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6859608591, 4.4839070615e-06, 0.0, -22.9912363916, 0.0, -4.4886913793e-06],
    centre: [-43.6849766415, -22.99214759595], mask: null,
    points: [[0, 0], [438, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[80, 89, 62], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [66, 76, 51]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img60.tif', size: [439, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6859783376, 4.4838439636e-06, 0.0, -22.9894301788, 0.0, -4.4886889163e-06],
    centre: [-43.68499413385, -22.99034138265], mask: null,
    points: [[0, 0], [438, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[97, 99, 78], [0, 0, 0], [98, 100, 79], [94, 97, 76], [101, 104, 83], [101, 100, 80]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img61.tif', size: [439, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6859958143, 4.4837808656e-06, 0.0, -22.9876239656, 0.0, -4.4886862069e-06],
    centre: [-43.6850116244, -22.9885351689], mask: null,
    points: [[0, 0], [438, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[99, 102, 83], [0, 0, 0], [99, 101, 80], [92, 94, 73], [99, 101, 80], [103, 104, 86]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img62.tif', size: [439, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6860132893, 4.4837177677e-06, 0.0, -22.9858177519, 0.0, -4.4886839901e-06],
    centre: [-43.68502911325, -22.98672895475], mask: null,
    points: [[0, 0], [438, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[110, 114, 97], [103, 105, 84], [111, 110, 89], [111, 110, 89], [108, 111, 92], [110, 113, 92]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img63.tif', size: [439, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.6860307625, 4.4836546697e-06, 0.0, -22.9840115379, 0.0, -4.4886812808e-06],
    centre: [-43.6850466003, -22.9849227402], mask: null,
    points: [[0, 0], [438, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[62, 71, 52], [101, 104, 87], [103, 107, 90], [111, 114, 95], [24, 21, 14], [29, 24, 20]] },
  { file: 'spacenet-rio/3band_013022223130_Public_img64.tif', size: [439, 406], bands: 3, epsg: 4326, nodata: null,
    geoTransform: [-43.686048234, 4.4835915718e-06, 0.0, -22.9822053233, 0.0, -4.488679064e-06],
    centre: [-43.68506408565, -22.98311652515], mask: null,
    points: [[0, 0], [438, 405], [219, 203], [146, 270], [365, 58], [48, 81]],
    values: [[52, 64, 44], [121, 122, 106], [97, 90, 64], [30, 38, 40], [144, 138, 116], [159, 152, 134]] },
];

/** JPEG-compressed files: GDAL's libjpeg upsamples chroma smoothly, geotiff's decoder does not. */
const JPEG = new Set(['geotiff-samples/hro_denver_0.15m/cog_rgb.tif', 'geotiff-samples/format_coverage/cog_hirise_mars.tif']);

describe.skipIf(!present)('real GeoTIFF samples agree with GDAL', () => {
  for (const e of GDAL) {
    it(e.file, async () => {
      const path = join(DATA, e.file);
      const s = await openRaster(path);
      try {
        expect([s.info.width, s.info.height, s.info.bands]).toEqual([...e.size, e.bands]);
        if (e.epsg !== null) expect(s.info.crs).toBe(`EPSG:${e.epsg}`);
        if (e.nodata === null) expect(s.info.nodata).toBeNull();
        else if (e.nodata >= -128 || s.info.dtype !== 'uint8') expect(s.info.nodata).toBe(e.nodata);
        if (e.geoTransform) {
          const gt = s.info.geoTransform!;
          e.geoTransform.forEach((v, k) => expect(Math.abs(gt[k] - v)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v))));
        }
        if (e.centre) {
          const [lon, lat] = s.georef!.crsToLonLat(s.georef!.pixelToCrs([e.size[0] / 2, e.size[1] / 2]));
          expect(lon).toBeCloseTo(e.centre[0], 8);
          expect(lat).toBeCloseTo(e.centre[1], 8);
        }
        for (let k = 0; k < e.points.length; k++) {
          const [x, y] = e.points[k];
          const { arrays, valid } = await s.readSamples!({ x, y, width: 1, height: 1 });
          const got = arrays.map((a) => a[0]);
          e.values[k].forEach((want, b) => {
            if (want === null) expect(got[b]).toBeNaN();
            else if (JPEG.has(e.file)) expect(Math.abs(got[b] - want)).toBeLessThanOrEqual(4);
            else expect(got[b]).toBeCloseTo(want, Number.isInteger(want) ? 10 : 5);
          });
          if (e.mask) expect(valid[0]).toBe(e.mask[k] > 0 ? 1 : 0);
        }
        // The whole image through readRgb at a small size: never a crash, always the asked size.
        const scale = Math.max(1, Math.max(...e.size) / 256);
        const outW = Math.max(1, Math.round(e.size[0] / scale));
        const outH = Math.max(1, Math.round(e.size[1] / scale));
        const img = await s.readRgb({ x: 0, y: 0, width: e.size[0], height: e.size[1] }, outW, outH);
        expect(img.data.length).toBe(outW * outH * 3);
        if (img.valid) expect(img.valid.length).toBe(outW * outH);
        expect(publicInfo(s.info).gsd_m).toBeGreaterThan(0);
      } finally {
        await s.close();
      }
    });
  }

  it('metres per pixel: UTM grid size, degrees converted at the centre latitude, Mercator on the ground', async () => {
    const gsd = async (file: string) => {
      const s = await openRaster(join(DATA, file));
      await s.close();
      return s.info.gsd_m!;
    };
    // UTM: within the 0.04 % scale error of the projection of the grid size GDAL reports.
    expect(await gsd('geotiff-samples/solaris_atlanta_0.5m/sample_geotiff.tif')).toBeCloseTo(0.5, 3);
    expect(await gsd('geotiff-samples/hro_denver_0.15m/cog_rgb.tif')).toBeCloseTo(0.1499, 3);
    // EPSG:4326, 4.49e-6° per pixel at 22.95° S: ≈ 0.479 m (README: ~0.5 m).
    expect(await gsd('spacenet-rio/3band_013022223130_Public_img50.tif')).toBeCloseTo(0.479, 3);
    // EPSG:3857 at 46° N: 611.5 m grid cells are 611.5 × cos(46.07°) ≈ 424 m on the ground.
    expect(await gsd('geotiff-samples/format_coverage/web.tif')).toBeCloseTo(424.3, 0);
  });

  it('GCP-only file: the least-squares affine matches GDAL\'s first-order GCP transform', async () => {
    const s = await openRaster(join(DATA, 'geotiff-samples/format_coverage/cog_gcps.tif'));
    await s.close();
    expect(s.notes.join(' ')).toMatch(/affine transform to 210 ground control points \(misfit 1\.41 px RMS\)/);
    // gdaltransform -order 1 -t_srs OGC:CRS84 cog_gcps.tif
    const gdal: [number, number, number, number][] = [
      [640, 418.5, 76.8997127367582, 10.2108326970463],
      [0, 0, 78.1988839314099, 10.7383731730252],
      [1280, 837, 75.6005415421066, 9.68329222106731],
    ];
    for (const [px, py, lon, lat] of gdal) {
      const got = s.georef!.crsToLonLat(s.georef!.pixelToCrs([px, py]));
      expect(got[0]).toBeCloseTo(lon, 9);
      expect(got[1]).toBeCloseTo(lat, 9);
    }
  });

  it('Mars: read without WGS84 georeferencing, with a note', async () => {
    const s = await openRaster(join(DATA, 'geotiff-samples/format_coverage/cog_hirise_mars.tif'));
    await s.close();
    expect(publicInfo(s.info)).toMatchObject({ crs: null, georeferenced: false, overviews: 2 });
    expect(s.info.gsd_m).toBeCloseTo(5.0014, 3);
    expect(s.georef).toBeNull();
    expect(s.notes.join(' ')).toMatch(/not on Earth/);
  });

  it('external .ovr overviews and .msk masks are found beside the file', async () => {
    const dir = join(DATA, 'geotiff-samples/hro_denver_0.15m');
    const ovr = await openRaster(join(dir, '201404_13SED190110_201404_0x1500m_CL_1.tif'));
    await ovr.close();
    expect(ovr.info.overviews).toBe(3);
    const msk = await openRaster(join(dir, '201404_13SED190110_201404_0x1500m_CL_1_extmask.tif'));
    await msk.close();
    expect(msk.info.hasMask).toBe(true);
  });

  it('all-black spacenet tile has no nodata tag, so (like GDAL) its pixels stay valid', async () => {
    const s = await openRaster(join(DATA, 'spacenet-rio/3band_013022223130_Public_img58.tif'));
    const img = await s.readRgb({ x: 0, y: 0, width: 438, height: 406 }, 219, 203);
    await s.close();
    expect(img.valid).toBeNull();
    expect(img.data.every((v) => v === 0)).toBe(true);
  });

  it('every sample either opens or is refused with one line naming it', async () => {
    for (const e of GDAL) {
      const path = join(DATA, e.file);
      try {
        const s = await openRaster(path);
        await s.close();
      } catch (err) {
        expect(err).toBeInstanceOf(SatcountError);
        expect((err as Error).message.startsWith(path)).toBe(true);
      }
    }
  });
});
