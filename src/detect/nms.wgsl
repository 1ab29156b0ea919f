// Greedy non-maximum suppression of the decode pass's candidates (decode.wgsl), in three dispatches:
//   sort:   one workgroup sorts the candidates by score (bitonic sort in storage memory) and writes the
//           indirect dispatch size of the next pass;
//   mask:   one thread per (row, 32 columns) of the suppression bitmask: bit j of row i is set when the
//           i-th and j-th candidates in score order (j > i) overlap by more than the IoU threshold;
//   reduce: one workgroup walks the rows in score order, keeping a candidate unless a kept one suppressed it,
//           and writes the kept faces compacted (seed's score; box and keypoints the score-weighted mean of its
//           cluster when weighted), as MediaPipe's weighted NMS does.
// CPU twin: nms() in src/detect/nms.ts (after the decode twin; mergeCrops in src/detect/detector.ts).
// Candidates of equal score are ordered by (crop, anchor), as the CPU twin's stable sort orders them.
//
// Needs candidate.wgsl in front (struct Record).
//
// Result buffer (4-byte words): u32 kept, u32 candidates (all that passed the decode, even past CAP),
// then `kept` Records: the seed's anchor, crop and score, the (blended) box and keypoints.

override SORT_WG: u32 = 256;
override MASK_WG: u32 = 64;
override CAP: u32 = 4096;        // candidates that take part, a power of two; more make the detector refuse
override WORDS: u32 = CAP / 32u; // bitmask words per row, and the reduce workgroup's size
override MAX_FACES: u32 = 64;

const KEYPOINTS2 = 12u;
const SUMS = 16u;                // x, y, w, h, keypoints[12], each times the score

struct Params {
  iouThreshold: f32,
  weighted: u32,
}

// The decode pass's Candidates, read-only (same layout).
struct CandidateList {
  count: u32,
  records: array<Record>,
}

struct Result {
  kept: u32,
  candidates: u32,
  faces: array<Record>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> candidates: CandidateList;
@group(0) @binding(2) var<storage, read_write> order: array<u32>;     // CAP: record indices in score order
@group(0) @binding(3) var<storage, read_write> mask: array<u32>;      // CAP * WORDS
@group(0) @binding(4) var<storage, read_write> dispatch: array<u32>;  // 3: the mask pass's workgroup counts
@group(0) @binding(5) var<storage, read_write> result: Result;

fn taking_part() -> u32 {
  return min(candidates.count, CAP);
}

fn row_words(n: u32) -> u32 {
  return (n + 31u) / 32u;
}

// Whether record a comes before record b in score order; indices past n are padding and come last.
fn precedes(a: u32, b: u32, n: u32) -> bool {
  if (a >= n || b >= n) {
    return b >= n && (a < n || a < b);
  }
  let ra = candidates.records[a];
  let rb = candidates.records[b];
  if (ra.score != rb.score) {
    return ra.score > rb.score;
  }
  return ra.crop < rb.crop || (ra.crop == rb.crop && ra.anchor < rb.anchor);
}

var<workgroup> shared_n: u32;

@compute @workgroup_size(SORT_WG)
fn sort(@builtin(local_invocation_index) t: u32) {
  if (t == 0u) {
    shared_n = taking_part();
  }
  let n = workgroupUniformLoad(&shared_n);
  var p = 1u;
  while (p < n) {
    p <<= 1u;
  }
  for (var i = t; i < p; i += SORT_WG) {
    order[i] = i;
  }
  if (t == 0u) {
    dispatch[0] = (n * row_words(n) + MASK_WG - 1u) / MASK_WG;
    dispatch[1] = 1u;
    dispatch[2] = 1u;
  }
  storageBarrier();
  for (var k = 2u; k <= p; k <<= 1u) {
    for (var j = k >> 1u; j > 0u; j >>= 1u) {
      for (var i = t; i < p; i += SORT_WG) {
        let l = i ^ j;
        if (l > i) {
          let a = order[i];
          let b = order[l];
          // Blocks with bit k clear end up in score order, the others reversed: a strict total order swaps
          // exactly when the pair is the wrong way round for its block.
          if (((i & k) == 0u) == precedes(b, a, n)) {
            order[i] = b;
            order[l] = a;
          }
        }
      }
      storageBarrier();
    }
  }
}

fn box_of(i: u32) -> vec4f {
  let r = candidates.records[order[i]];
  return vec4f(r.x, r.y, r.w, r.h);
}

// Twin: iou() in src/detect/nms.ts.
fn iou(a: vec4f, b: vec4f) -> f32 {
  let w = min(a.x + a.z, b.x + b.z) - max(a.x, b.x);
  let h = min(a.y + a.w, b.y + b.w) - max(a.y, b.y);
  let inter = select(0.0, w * h, w > 0.0 && h > 0.0);
  let area = a.z * a.w + b.z * b.w - inter;
  return select(0.0, inter / area, area > 0.0);
}

@compute @workgroup_size(MASK_WG)
fn build_mask(@builtin(global_invocation_id) id: vec3u) {
  let n = taking_part();
  let words = row_words(n);
  if (id.x >= n * words) {
    return;
  }
  let row = id.x / words;
  let word = id.x % words;
  let seed = box_of(row);
  var bits = 0u;
  for (var b = 0u; b < 32u; b++) {
    let col = word * 32u + b;
    if (col > row && col < n && iou(seed, box_of(col)) > params.iouThreshold) {
      bits |= 1u << b;
    }
  }
  mask[id.x] = bits;
}

var<workgroup> removed: array<u32, WORDS>;
var<workgroup> partial: array<array<f32, SUMS>, WORDS>;
var<workgroup> weight: array<f32, WORDS>;

fn weighted_fields(r: Record) -> array<f32, SUMS> {
  var f: array<f32, SUMS>;
  f[0] = r.x;
  f[1] = r.y;
  f[2] = r.w;
  f[3] = r.h;
  for (var k = 0u; k < KEYPOINTS2; k++) {
    f[4u + k] = r.keypoints[k];
  }
  return f;
}

@compute @workgroup_size(WORDS)
fn reduce(@builtin(local_invocation_index) t: u32) {
  if (t == 0u) {
    shared_n = taking_part();
    result.candidates = candidates.count;
  }
  let n = workgroupUniformLoad(&shared_n);
  let words = row_words(n);
  let weighted = params.weighted != 0u;
  removed[t] = 0u;
  var kept = 0u;
  for (var i = 0u; i < n && kept < MAX_FACES; i++) {
    let word = workgroupUniformLoad(&removed[i / 32u]);
    if ((word & (1u << (i % 32u))) != 0u) {
      continue;
    }
    // Candidate i is kept; its cluster is itself and what it suppresses among those not yet removed.
    var members = 0u;
    if (t < words) {
      members = mask[i * words + t] & ~removed[t];
      removed[t] |= members;
    }
    let seed = candidates.records[order[i]];
    if (weighted) {
      // Initialised explicitly: SwiftShader kept the last iteration's values for a bare `var sum: array<...>;`.
      var sum = array<f32, SUMS>();
      var w = 0.0;
      if (t == i / 32u) {
        members |= 1u << (i % 32u);
      }
      for (var b = 0u; b < 32u; b++) {
        if ((members & (1u << b)) != 0u) {
          let r = candidates.records[order[t * 32u + b]];
          let f = weighted_fields(r);
          for (var k = 0u; k < SUMS; k++) {
            sum[k] += f[k] * r.score;
          }
          w += r.score;
        }
      }
      partial[t] = sum;
      weight[t] = w;
      for (var stride = WORDS / 2u; stride > 0u; stride >>= 1u) {
        workgroupBarrier();
        if (t < stride) {
          for (var k = 0u; k < SUMS; k++) {
            partial[t][k] += partial[t + stride][k];
          }
          weight[t] += weight[t + stride];
        }
      }
      workgroupBarrier();
    }
    if (t == 0u) {
      var f = weighted_fields(seed);
      if (weighted) {
        for (var k = 0u; k < SUMS; k++) {
          f[k] = partial[0][k] / weight[0];
        }
      }
      var out = seed;
      out.x = f[0];
      out.y = f[1];
      out.w = f[2];
      out.h = f[3];
      for (var k = 0u; k < KEYPOINTS2; k++) {
        out.keypoints[k] = f[4u + k];
      }
      result.faces[kept] = out;
    }
    kept++;
  }
  if (t == 0u) {
    result.kept = kept;
  }
}
