/**
 * The output layouts satcount decodes, in the order they are tried (yolov8-obb only when the
 * metadata allows it: its shapes are those of yolov8 with one more class).
 * detect/layouts.ts must give each a decoder (the compiler holds it to that); everything else
 * (metadata checks, messages, the LayoutName type) derives from this list.
 */
export const LAYOUT_NAMES = ['satcount-centernet', 'yolo26', 'yolov8-obb', 'yolov8', 'yolov5'] as const;

export type LayoutName = (typeof LAYOUT_NAMES)[number];
