/**
 * One coordinate of a constant-velocity Kalman filter (as in SORT: a box is cx, cy, w, h and their
 * velocities). With per-coordinate noise the 8-state filter is block diagonal, so four of these 2-state
 * filters are that same filter, without a matrix library. Times are in seconds.
 */
export interface Axis {
  x: number;
  v: number;
  pxx: number;
  pxv: number;
  pvv: number;
}

export function initAxis(x: number, posVar: number, velVar: number): Axis {
  return { x, v: 0, pxx: posVar, pxv: 0, pvv: velVar };
}

/** Moves the state `dt` seconds on; `q` is the white-noise acceleration density (units²/s³). */
export function predictAxis(a: Axis, dt: number, q: number): Axis {
  const t = Math.abs(dt); // process noise adds uncertainty whichever way we extrapolate
  return {
    x: a.x + a.v * dt,
    v: a.v,
    pxx: a.pxx + 2 * dt * a.pxv + dt * dt * a.pvv + (q * t ** 3) / 3,
    pxv: a.pxv + dt * a.pvv + (q * dt * t) / 2,
    pvv: a.pvv + q * t,
  };
}

/** Folds in a measurement `z` of the position with variance `r`. */
export function correctAxis(a: Axis, z: number, r: number): Axis {
  const s = a.pxx + r;
  const kx = a.pxx / s;
  const kv = a.pxv / s;
  const innovation = z - a.x;
  return {
    x: a.x + kx * innovation,
    v: a.v + kv * innovation,
    pxx: (1 - kx) * a.pxx,
    pxv: (1 - kx) * a.pxv,
    pvv: a.pvv - kv * a.pxv,
  };
}
