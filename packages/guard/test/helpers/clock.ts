/** A clock tests can move forward; the guard reads it through its `now` option. */
export class TestClock {
  #offsetMs = 0;
  readonly now = (): number => Date.now() + this.#offsetMs;
  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }
}
