// f32 GEMM for the CPU backend: C[M,N] = A[M,K] · B[K,N] with any element strides on A and B.
//
// GotoBLAS structure: B is packed once per call into NR-wide column panels (graft_gemm_pack_b;
// in a batch of small products, by each task for itself), then each task computes a block of MC rows of C: per KC slice of K it packs its rows of A into
// MR-row micro-panels (in the calling thread's workspace) and runs the MR×NR register-blocked
// micro-kernel over every B panel. Packing reads A and B through their strides, so the transposed
// operands of backward passes (A·Bᵀ, Aᵀ·B) cost one strided copy, never a materialised transpose.
// No static data and no address-taken locals, so instances on worker threads share the memory
// without touching one another's (shadow) stacks.
#include "common.h"

#define MR 4
#define NR 8
#define KC 256
#define MC 128

// Packs B (K×N, strides bs0 along K and bs1 along N) into ceil(N/NR) panels of K×NR floats,
// zero-padded past N, panel p at out + p·K·NR.
EXPORT void graft_gemm_pack_b(int K, int N, const float *b, int bs0, int bs1, float *out) {
  for (int j0 = 0; j0 < N; j0 += NR) {
    int nr = N - j0 < NR ? N - j0 : NR;
    float *dst = out + (j0 / NR) * K * NR;
    const float *src = b + j0 * bs1;
    if (bs1 == 1 && nr == NR) {
      for (int k = 0; k < K; k++) {
        const float *s = src + k * bs0;
        wasm_v128_store(dst + k * NR, wasm_v128_load(s));
        wasm_v128_store(dst + k * NR + 4, wasm_v128_load(s + 4));
      }
    } else {
      for (int k = 0; k < K; k++) {
        for (int c = 0; c < nr; c++) dst[k * NR + c] = src[k * bs0 + c * bs1];
        for (int c = nr; c < NR; c++) dst[k * NR + c] = 0.0f;
      }
    }
  }
}

// Packs rows [0, mr_total) × K-slice [0, kc) of A into MR-row micro-panels: panel p holds
// a[p·MR + r][k] at out + p·kc·MR + k·MR + r, zero rows past the end.
static void pack_a(int rows, int kc, const float *a, int as0, int as1, float *out) {
  for (int i0 = 0; i0 < rows; i0 += MR) {
    int mr = rows - i0 < MR ? rows - i0 : MR;
    float *dst = out + (i0 / MR) * kc * MR;
    const float *src = a + i0 * as0;
    if (mr == MR && as0 == 1) {
      // A transposed (Aᵀ·B in backward): the MR rows of one k are adjacent
      for (int k = 0; k < kc; k++) wasm_v128_store(dst + k * MR, wasm_v128_load(src + k * as1));
    } else if (mr == MR && as1 == 1) {
      const float *r0 = src, *r1 = src + as0, *r2 = src + 2 * as0, *r3 = src + 3 * as0;
      int k = 0;
      for (; k + 4 <= kc; k += 4) {
        // a 4×4 transpose: rows r0..r3 at k..k+3 become four MR-vectors
        v128_t x0 = wasm_v128_load(r0 + k), x1 = wasm_v128_load(r1 + k);
        v128_t x2 = wasm_v128_load(r2 + k), x3 = wasm_v128_load(r3 + k);
        v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
        v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
        wasm_v128_store(dst + (k + 0) * MR, wasm_i64x2_shuffle(t0, t1, 0, 2));
        wasm_v128_store(dst + (k + 1) * MR, wasm_i64x2_shuffle(t0, t1, 1, 3));
        wasm_v128_store(dst + (k + 2) * MR, wasm_i64x2_shuffle(t2, t3, 0, 2));
        wasm_v128_store(dst + (k + 3) * MR, wasm_i64x2_shuffle(t2, t3, 1, 3));
      }
      for (; k < kc; k++) {
        dst[k * MR] = r0[k];
        dst[k * MR + 1] = r1[k];
        dst[k * MR + 2] = r2[k];
        dst[k * MR + 3] = r3[k];
      }
    } else {
      for (int k = 0; k < kc; k++) {
        for (int r = 0; r < mr; r++) dst[k * MR + r] = src[r * as0 + k * as1];
        for (int r = mr; r < MR; r++) dst[k * MR + r] = 0.0f;
      }
    }
  }
}

#define FMA(acc, x, y) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(x, y))

// The MR×NR micro-kernel: 8 accumulators, two B vectors and one A splat live in registers.
// Writes (or adds, when accumulate) the full tile to c with row stride ldc.
static inline void kernel(int kc, const float *restrict a, const float *restrict b, float *restrict c, int ldc, int accumulate) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < kc; k++) {
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a0 = wasm_v128_load32_splat(a);
    FMA(c00, a0, b0);
    FMA(c01, a0, b1);
    v128_t a1 = wasm_v128_load32_splat(a + 1);
    FMA(c10, a1, b0);
    FMA(c11, a1, b1);
    v128_t a2 = wasm_v128_load32_splat(a + 2);
    FMA(c20, a2, b0);
    FMA(c21, a2, b1);
    v128_t a3 = wasm_v128_load32_splat(a + 3);
    FMA(c30, a3, b0);
    FMA(c31, a3, b1);
    a += MR;
    b += NR;
  }
  if (accumulate) {
    c00 = wasm_f32x4_add(c00, wasm_v128_load(c)), c01 = wasm_f32x4_add(c01, wasm_v128_load(c + 4));
    c10 = wasm_f32x4_add(c10, wasm_v128_load(c + ldc)), c11 = wasm_f32x4_add(c11, wasm_v128_load(c + ldc + 4));
    c20 = wasm_f32x4_add(c20, wasm_v128_load(c + 2 * ldc)), c21 = wasm_f32x4_add(c21, wasm_v128_load(c + 2 * ldc + 4));
    c30 = wasm_f32x4_add(c30, wasm_v128_load(c + 3 * ldc)), c31 = wasm_f32x4_add(c31, wasm_v128_load(c + 3 * ldc + 4));
  }
  wasm_v128_store(c, c00), wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + ldc, c10), wasm_v128_store(c + ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20), wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30), wasm_v128_store(c + 3 * ldc + 4, c31);
}

// The block [m0, m1) × [n0, n1) of C (row stride ldc; n0 a multiple of NR) from A (strides as0,
// as1) and B packed by graft_gemm_pack_b. work holds MC·KC floats for the packed A block plus an
// MR×NR tile for the ragged edges.
static void gemm_block(int m0, int m1, int n0, int n1, int K, const float *a, int as0, int as1, const float *bp, float *c, int ldc, float *work) {
  float *tile = work + MC * KC;
  if (K == 0) {
    for (int i = m0; i < m1; i++)
      for (int j = n0; j < n1; j++) c[i * ldc + j] = 0.0f;
    return;
  }
  for (int i0 = m0; i0 < m1; i0 += MC) {
    int mc = m1 - i0 < MC ? m1 - i0 : MC;
    for (int k0 = 0; k0 < K; k0 += KC) {
      int kc = K - k0 < KC ? K - k0 : KC;
      pack_a(mc, kc, a + i0 * as0 + k0 * as1, as0, as1, work);
      for (int j0 = n0; j0 < n1; j0 += NR) {
        int nr = n1 - j0 < NR ? n1 - j0 : NR;
        const float *bpanel = bp + (j0 / NR) * K * NR + k0 * NR;
        for (int i = 0; i < mc; i += MR) {
          int mr = mc - i < MR ? mc - i : MR;
          float *cij = c + (i0 + i) * ldc + j0;
          const float *apanel = work + (i / MR) * kc * MR;
          if (mr == MR && nr == NR) {
            kernel(kc, apanel, bpanel, cij, ldc, k0 > 0);
          } else {
            // ragged edge: compute the whole tile into scratch, copy (or add) the valid part
            kernel(kc, apanel, bpanel, tile, NR, 0);
            for (int r = 0; r < mr; r++)
              for (int s = 0; s < nr; s++) cij[r * ldc + s] = (k0 > 0 ? cij[r * ldc + s] : 0.0f) + tile[r * NR + s];
          }
        }
      }
    }
  }
}

// Floats of per-thread room for a task that packs its own B (see graft_gemm_task).
#define TASK_B (KC * 128)

// One task of a (batched) GEMM. desc (int32 words): M, N, K, as0, as1, rowsPerBlock, mBlocks,
// colsPerBlock, nBlocks, batches, ownB, bs0, bs1, then per batch the byte addresses of A, B and
// C. Task t computes batch t / (mBlocks·nBlocks), row block and column block from the remainder;
// C is dense with row stride N. B is packed by graft_gemm_pack_b beforehand, unless ownB: then
// B is the operand itself (strides bs0, bs1) and the task packs its columns into its workspace
// just before using them. A batch of small products with a B each (attention's, 64 of
// [128, 64]·[64, 128]) ran at 25-28 GFLOP/s against 33 for one product of the same work when
// every B was packed first: 2 MiB of panels no longer in cache when their turn came.
EXPORT void graft_gemm_task(int t, const int *desc, float *work) {
  int M = desc[0], N = desc[1], K = desc[2], as0 = desc[3], as1 = desc[4];
  int rpb = desc[5], mb = desc[6], cpb = desc[7], nb = desc[8];
  int batch = t / (mb * nb), rest = t % (mb * nb);
  int m0 = (rest / nb) * rpb, n0 = (rest % nb) * cpb;
  int m1 = m0 + rpb < M ? m0 + rpb : M, n1 = n0 + cpb < N ? n0 + cpb : N;
  const int *ptrs = desc + 13 + 3 * batch;
  const float *a = (const float *)ptrs[0];
  float *c = (float *)ptrs[2];
  if (desc[10]) {
    float *own = work + MC * KC + MR * NR;
    graft_gemm_pack_b(K, n1 - n0, (const float *)ptrs[1] + n0 * desc[12], desc[11], desc[12], own);
    gemm_block(m0, m1, 0, n1 - n0, K, a, as0, as1, own, c + n0, N, work);
  } else {
    gemm_block(m0, m1, n0, n1, K, a, as0, as1, (const float *)ptrs[1], c, N, work);
  }
}

// Floats of per-thread workspace a GEMM task needs, the most packed B floats (K × column
// block, rounded up to the panel width) a task may pack itself, and the micro-tile width
// (column blocks of a task must start at multiples of it).
EXPORT int graft_gemm_work_floats(void) { return MC * KC + MR * NR + TASK_B; }
EXPORT int graft_gemm_task_b_floats(void) { return TASK_B; }
EXPORT int graft_gemm_panel_width(void) { return NR; }
