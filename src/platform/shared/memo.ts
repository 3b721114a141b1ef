/**
 * `f(o)`, computed once per object: for results derived from objects that never change (an
 * immutable config, a trained kernel). The objects are held weakly.
 */
export function memoWeak<O extends object, R>(f: (o: O) => R): (o: O) => R {
  const memo = new WeakMap<O, R>();
  return (o) => {
    if (memo.has(o)) return memo.get(o)!;
    const r = f(o);
    memo.set(o, r);
    return r;
  };
}

/** `f(o, a)`, computed once per object and argument (see memoWeak). */
export function memoWeakAnd<O extends object, A, R>(f: (o: O, a: A) => R): (o: O, a: A) => R {
  const memo = new WeakMap<O, Map<A, R>>();
  return (o, a) => {
    let byArg = memo.get(o);
    if (!byArg) {
      byArg = new Map();
      memo.set(o, byArg);
    }
    if (byArg.has(a)) return byArg.get(a)!;
    const r = f(o, a);
    byArg.set(a, r);
    return r;
  };
}
