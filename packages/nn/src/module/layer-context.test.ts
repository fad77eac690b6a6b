import { DTypeError, type GraftError, randn, ShapeError, type Tensor, tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../../../test-utils/thrown';
import { Embedding } from '../layers/embedding';
import { Linear } from '../layers/linear';
import { LayerNorm } from '../layers/normalization';
import { Sequential } from './containers';
import { Module } from './module';

// a BERT-shaped nesting: encoder.layer.<i>.attention.self.query
class SelfAttention extends Module {
  query = new Linear(8, 8);
  forward(x: Tensor): Tensor {
    return this.query.call(x);
  }
}
class Attention extends Module {
  self = new SelfAttention();
  forward(x: Tensor): Tensor {
    return this.self.call(x);
  }
}
class Layer extends Module {
  attention = new Attention();
  forward(x: Tensor): Tensor {
    return this.attention.call(x);
  }
}
class Encoder extends Module {
  layer = [new Layer(), new Layer()];
  forward(x: Tensor): Tensor {
    return this.layer.reduce((h, l) => l.call(h), x);
  }
}
class Bert extends Module {
  encoder = new Encoder();
  forward(x: Tensor): Tensor {
    return this.encoder.call(x);
  }
}

describe('errors name the layer they came from', () => {
  it("the innermost layer names itself once, with its dotted path and configuration, keeping the error's class and code", () => {
    const e = thrown(() => new Bert().call(randn([2, 6])));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as GraftError).code).toBe('shape_mismatch');
    expect(e.message).toBe(
      "in Linear 'encoder.layer.0.attention.self.query' (inFeatures=8, outFeatures=8, bias=true): " +
        'the input [2, 6] has 6 features in its last dim, but inFeatures is 8: check the size the previous layer outputs, or build Linear(6, 8)',
    );
    // the stack that an uncaught error prints starts with the new message
    expect(e.stack!.split('\n')[0]).toBe(`ShapeError: ${e.message}`);
  });

  it('a path is read along the calls: array elements, Sequential children, the second of two layers', () => {
    const bert = new Bert();
    // layer 1 gets an input that layer 0 accepts but changes: make layer 1's query narrower
    bert.encoder.layer[1].attention.self.query = new Linear(4, 8);
    expect(thrown(() => bert.call(randn([1, 8]))).message).toMatch(/^in Linear 'encoder\.layer\.1\.attention\.self\.query' \(inFeatures=4/);
    const seq = new Sequential(new Linear(3, 5), new LayerNorm(4));
    expect(thrown(() => seq.call(randn([2, 3]))).message).toBe(
      "in LayerNorm '1' (normalizedShape=[4], eps=0.00001, elementwiseAffine=true): the input [2, 5] does not end in normalizedShape [4]: " +
        "its last dim must be the hidden size the layer was built for (check the previous layer's output size)",
    );
  });

  it('a layer called on its own names itself without a path', () => {
    const e = thrown(() => new Embedding(10, 4).call(tensor([1, 2], { dtype: 'float32' })));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toMatch(/^in Embedding \(numEmbeddings=10, embeddingDim=4\): ids must be int32, got float32 \[2\]: cast them with \.cast\('int32'\)/);
  });

  it("an error from a primitive inside a user's module keeps its text after the layer's name", () => {
    class Mixer extends Module {
      w = new Linear(3, 3);
      forward(x: Tensor): Tensor {
        return x.matmul(this.w.weight.reshape(9, 1));
      }
    }
    const model = new Sequential(new Linear(3, 3), new Mixer());
    const e = thrown(() => model.call(randn([2, 3])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^in Mixer '1': \w+: shapes \[2, 3\] and \[9, 1\]/);
  });

  it('a module called from one that does not contain it starts a path of its own', () => {
    const teacher = new Sequential(new Linear(4, 4));
    class Student extends Module {
      head = new Linear(4, 4);
      forward(x: Tensor): Tensor {
        return this.head.call(teacher.call(x));
      }
    }
    expect(thrown(() => new Student().call(randn([1, 3]))).message).toMatch(/^in Linear '0' \(inFeatures=4/);
  });

  it('a shared layer is named by the path it was called through', () => {
    const shared = new Linear(4, 4);
    class Branches extends Module {
      a = new Sequential(shared);
      b = new Sequential(new Linear(2, 2), shared);
      forward(x: Tensor): Tensor {
        return this.b.call(x);
      }
    }
    expect(thrown(() => new Branches().call(randn([1, 2]))).message).toMatch(/^in Linear 'b\.1' \(inFeatures=4/);
  });

  it('errors raised in hooks are named too; errors that are not GraftErrors are left alone', () => {
    const lin = new Linear(2, 2);
    const handle = lin.addForwardHook(() => {
      throw new ShapeError('hook: bad output');
    });
    expect(thrown(() => new Sequential(lin).call(randn([1, 2]))).message).toBe("in Linear '0' (inFeatures=2, outFeatures=2, bias=true): hook: bad output");
    handle.remove();
    class Broken extends Module {
      forward(): Tensor {
        throw new TypeError('not ours');
      }
    }
    const e = thrown(() => new Sequential(new Broken()).call(randn([1])));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('not ours');
  });

  it('an error whose stack was already read still prints the new message', () => {
    class Reads extends Module {
      forward(): Tensor {
        const e = new ShapeError('early');
        void e.stack;
        throw e;
      }
    }
    const e = thrown(() => new Sequential(new Reads()).call(randn([1])));
    expect(e.stack!.split('\n')[0]).toBe("ShapeError: in Reads '0': early");
  });

  it('Linear refuses integer inputs and says what to do', () => {
    const e = thrown(() => new Linear(3, 2).call(tensor([[1, 2, 3]], { dtype: 'int32' })));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toContain('the input is int32 [1, 3], but Linear takes float inputs: token ids go through an Embedding first');
    expect(thrown(() => new Linear(3, 2).call(tensor(1, { dtype: 'float32' }))).message).toContain(
      'the input is a scalar; it needs a last dim of inFeatures = 3',
    );
    expect(thrown(() => new LayerNorm(3).call(tensor([[1, 2, 3]], { dtype: 'int32' }))).message).toContain(
      "normalisation takes float inputs: cast it with .cast('float32')",
    );
  });
});
