/**
 * A seeded random number generator (mulberry32), so a fault run that failed
 * can be replayed with the seed it printed (SLIPWAY_FAULTS_SEED).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: SLIPWAY_FAULTS_SEED, or a new one. */
export function faultSeed(): number {
  const given = Number(process.env.SLIPWAY_FAULTS_SEED);
  return Number.isInteger(given) && given > 0
    ? given
    : Math.floor(Math.random() * 2 ** 31);
}
