/**
 * Dispatch to the least busy of several members (an EnginePool's engines, one per GPU): the one with the fewest runs
 * in flight; ties go to the one given the fewest runs so far, so that a caller running one at a time alternates
 * between them, then to the first. Pure bookkeeping: the members are whatever the caller runs on.
 */
export class LeastBusy<T> {
  readonly members: readonly T[];
  readonly #inFlight: number[];
  readonly #dispatched: number[];

  constructor(members: readonly T[]) {
    if (members.length === 0) throw new RangeError('LeastBusy needs at least one member');
    this.members = members;
    this.#inFlight = members.map(() => 0);
    this.#dispatched = members.map(() => 0);
  }

  /** The index the next run goes to. */
  pick(): number {
    let best = 0;
    for (let i = 1; i < this.members.length; i++) {
      const fewer = this.#inFlight[i] - this.#inFlight[best] || this.#dispatched[i] - this.#dispatched[best];
      if (fewer < 0) best = i;
    }
    return best;
  }

  /** Runs `run` on the least busy member, counted in flight until it settles. */
  async dispatch<R>(run: (member: T, index: number) => Promise<R>): Promise<R> {
    const i = this.pick();
    this.#inFlight[i]++;
    this.#dispatched[i]++;
    try {
      return await run(this.members[i], i);
    } finally {
      this.#inFlight[i]--;
    }
  }

  /** Runs in flight per member, in member order. */
  inFlight(): number[] {
    return [...this.#inFlight];
  }

  /** Runs given to each member so far, in member order. */
  dispatched(): number[] {
    return [...this.#dispatched];
  }
}
