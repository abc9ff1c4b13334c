/**
 * Geometry of a 2D convolution and the two copy loops that turn its gradients into matmuls:
 * im2col (transposed) for the filter gradient and col2im for the input gradient. The loops
 * read and write a flat float array (the wasm heap) at float offsets. Used by wasm_conv.ts.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** Shapes, strides and padding of one 2D convolution, in NHWC. */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/** Images `n0 .. n1 - 1` of the batch. */
export interface ImageRange {
  n0: number;
  n1: number;
}

/**
 * Geometry of the conv behind a gradient kernel; throws for what the kernels do not handle.
 * `xShape` is the conv's input `// [batch, inH, inW, inC]`, `filterShape` `// [kH, kW, inC, outC]`.
 */
export function convGeometry(
  kernel: string,
  shapes: { xShape: number[]; filterShape: number[] },
  attrs: Record<string, unknown>,
): ConvGeometry {
  const format = attrs.dataFormat ?? "NHWC";
  if (format !== "NHWC") {
    throw new Error(
      `Cannot run ${kernel} on wasm as 'dataFormat' must be 'NHWC': current value is '${format}'`,
    );
  }
  const dilations = attrs.dilations ?? 1;
  if ([dilations].flat().some((d) => d !== 1)) {
    throw new Error(
      `Cannot run ${kernel} on wasm as 'dilations' must be 1: current value is ${
        JSON.stringify(dilations)
      }`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    shapes.xShape as [number, number, number, number],
    shapes.filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as "same",
    attrs.dimRoundingMode as "floor" | undefined,
    false,
    "channelsLast",
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Transposed im2col: row `(kh, kw, c)` holds, for every output pixel `(n, oh, ow)` of the
 * images, the input value that filter tap sees, `x[n, oh*sH - top + kh, ow*sW - left + kw, c]`,
 * zero outside the image. Offsets `at` are float indices into `heap`.
 * `// x [batch, inH, inW, inC] -> colsT [kH * kW * inC, (n1 - n0) * outH * outW]`
 */
export function im2colT(
  heap: Float32Array,
  at: { x: number; cols: number },
  g: ConvGeometry,
  images: ImageRange,
): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const rows = (images.n1 - images.n0) * outH * outW, imageSize = inH * inW * inC;
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      // Output columns whose tap lands inside the image: 0 <= ow * sW - left + kw < inW.
      const owLo = Math.min(outW, Math.max(0, Math.ceil((padLeft - kw) / strideW)));
      const owHi = Math.max(owLo, Math.min(outW, Math.ceil((inW + padLeft - kw) / strideW)));
      const tap = at.cols + (kh * kW + kw) * inC * rows; // row (kh, kw, c = 0)
      let m = 0;
      for (let n = images.n0; n < images.n1; n++) {
        const xn = at.x + n * imageSize;
        for (let oh = 0; oh < outH; oh++, m += outW) {
          const ih = oh * strideH - padTop + kh;
          const inside = ih >= 0 && ih < inH;
          const lo = inside ? owLo : outW, hi = inside ? owHi : outW;
          for (let c = 0; c < inC; c++) {
            const row = tap + c * rows + m;
            for (let ow = 0; ow < lo; ow++) heap[row + ow] = 0;
            for (let ow = hi; ow < outW; ow++) heap[row + ow] = 0;
          }
          // Reads run along the channels of one pixel, writes go to inC rows.
          let src = xn + (ih * inW + lo * strideW - padLeft + kw) * inC;
          for (let ow = lo; ow < hi; ow++, src += strideW * inC) {
            const dst = tap + m + ow;
            for (let c = 0; c < inC; c++) heap[dst + c * rows] = heap[src + c];
          }
        }
      }
    }
  }
}

/**
 * col2im: adds each column row `(n, oh, ow)` (its `(kh, kw, c)` entries) onto the input pixels
 * it was read from, the adjoint of im2col. Offsets `at` are float indices into `heap`.
 * `// cols [(n1 - n0) * outH * outW, kH * kW * inC] -> dx [batch, inH, inW, inC] (+=)`
 */
export function col2im(
  heap: Float32Array,
  at: { cols: number; dx: number },
  g: ConvGeometry,
  images: ImageRange,
): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const run = kW * inC;
  let src = at.cols;
  for (let n = images.n0; n < images.n1; n++) {
    const dn = at.dx + n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        // Taps kw with 0 <= ow * sW - left + kw < inW, as a run of (kw, c) entries.
        const iw0 = ow * strideW - padLeft;
        const lo = Math.max(0, -iw0) * inC, hi = Math.min(kW, inW - iw0) * inC;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * strideH - padTop + kh;
          if (ih >= 0 && ih < inH) {
            const dst = dn + (ih * inW + iw0) * inC;
            for (let i = lo; i < hi; i++) heap[dst + i] += heap[src + i];
          }
          src += run;
        }
      }
    }
  }
}
