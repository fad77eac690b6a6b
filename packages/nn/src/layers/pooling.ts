/** Pooling and upsampling layers over the functional forms in `functional/pooling.ts`. */
import type { Tensor } from '@graft/core';
import { Module } from '../module/module';
import type { Size2 } from '../functional/conv';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d, type Pool2dOptions, upsampleNearest } from '../functional/pooling';

/** Max pooling over `[N, C, H, W]`. */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Size2,
    readonly options: Pool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** Max pooling over `[N, C, L]`. */
export class MaxPool1d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly options: { stride?: number; padding?: number; dilation?: number; ceilMode?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.options);
  }
}

/** Average pooling over `[N, C, H, W]`. */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Size2,
    readonly options: Omit<Pool2dOptions, 'dilation'> & { countIncludePad?: boolean; divisorOverride?: number } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** Average pooling over `[N, C, L]`. */
export class AvgPool1d extends Module {
  constructor(
    readonly kernelSize: number,
    readonly options: { stride?: number; padding?: number; ceilMode?: boolean; countIncludePad?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.options);
  }
}

/** Average pooling to a fixed `[H, W]`. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Size2) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** Average pooling to a fixed length. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
}

/** Nearest-neighbour upsampling to a size or by a scale factor. */
export class Upsample extends Module {
  constructor(readonly options: { size?: number | readonly number[]; scaleFactor?: number | readonly number[]; mode?: 'nearest' }) {
    super();
  }
  forward(x: Tensor): Tensor {
    return upsampleNearest(x, this.options);
  }
}
