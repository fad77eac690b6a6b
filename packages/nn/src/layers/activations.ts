/** Activation modules, thin wrappers over core's functions so they can sit in a Sequential. */
import { gelu, leakyRelu, logSoftmax, scope, silu, softmax, type Tensor } from '@graft/core';
import { Module } from '../module/module';

/** `max(0, x)`. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/** Gaussian error linear unit, exact (erf) or with the tanh approximation. */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}

/** Hyperbolic tangent. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/** Logistic sigmoid. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/** `x·sigmoid(x)` (also called swish). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** `max(0, x) + slope·min(0, x)`. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}

/** Softmax along `axis` (default the last; PyTorch's `dim`). */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
}

/** Log-softmax along `axis` (default the last; PyTorch's `dim`). */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.axis);
  }
}

/** Flattens axes `startAxis..endAxis` (default all but the batch axis), as `torch.nn.Flatten(start_dim, end_dim)`. */
export class Flatten extends Module {
  constructor(
    readonly startAxis = 1,
    readonly endAxis = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return scope(() => x.flatten(this.startAxis, this.endAxis));
  }
}
