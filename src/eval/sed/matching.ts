/**
 * Maximum-cardinality bipartite matching (Hopcroft–Karp), as sed_eval's 'optimal' event matching
 * uses it. The number of matched pairs is unique, but WHICH events end up matched decides the
 * substitution count afterwards, so this follows the same traversal order as sed_eval (greedy
 * start, then layered augmenting paths, visiting vertices in insertion order) to leave the same
 * events unmatched.
 */

/**
 * @param graph left vertex -> right neighbours, in insertion order (sed_eval: estimated event ->
 *   reference events that it may match, listed in row-major order of the hit matrix)
 * @returns right vertex -> left vertex of a maximum matching
 */
export function bipartiteMatch(graph: ReadonlyMap<number, readonly number[]>): Map<number, number> {
  const matching = new Map<number, number>();
  for (const [u, vs] of graph) {
    for (const v of vs) {
      if (!matching.has(v)) {
        matching.set(v, u);
        break;
      }
    }
  }
  const FIRST_LAYER = -1;
  for (;;) {
    const preds = new Map<number, number[]>();
    const unmatched: number[] = [];
    const pred = new Map<number, number>();
    for (const u of graph.keys()) pred.set(u, FIRST_LAYER);
    for (const u of matching.values()) pred.delete(u);
    let layer = [...pred.keys()];
    while (layer.length > 0 && unmatched.length === 0) {
      const newLayer = new Map<number, number[]>();
      for (const u of layer) {
        for (const v of graph.get(u) ?? []) {
          if (preds.has(v)) continue;
          const list = newLayer.get(v);
          if (list === undefined) newLayer.set(v, [u]);
          else list.push(u);
        }
      }
      layer = [];
      for (const [v, us] of newLayer) {
        preds.set(v, us);
        const m = matching.get(v);
        if (m !== undefined) {
          layer.push(m);
          pred.set(m, v);
        } else {
          unmatched.push(v);
        }
      }
    }
    if (unmatched.length === 0) return matching;
    const recurse = (v: number): boolean => {
      const list = preds.get(v);
      if (list === undefined) return false;
      preds.delete(v);
      for (const u of list) {
        const pu = pred.get(u);
        if (pu === undefined) continue;
        pred.delete(u);
        if (pu === FIRST_LAYER || recurse(pu)) {
          matching.set(v, u);
          return true;
        }
      }
      return false;
    };
    for (const v of unmatched) recurse(v);
  }
}
