// Input checks shared by the scoring modules. Invalid input (negative or non-finite counts,
// scores off the scale) is a caller bug, so it throws a RangeError instead of yielding NaN.

/** Throws a RangeError unless `value` is a finite number >= 0 (fractional weights are allowed). */
export function assertCount(value: number, name: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}

/** Throws a RangeError unless `part <= whole` (both already valid counts). */
export function assertPartOfWhole(
  part: number,
  partName: string,
  whole: number,
  wholeName: string,
): void {
  if (part > whole) {
    throw new RangeError(`${partName} (${part}) cannot exceed ${wholeName} (${whole})`);
  }
}

/** Throws a RangeError unless `value` is a finite number > 0. */
export function assertPositive(value: number, name: string): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  }
}

/** Throws a RangeError unless 0 <= value <= 1. */
export function assertProbability(value: number, name: string): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be in [0, 1], got ${value}`);
  }
}

/** Clamps `value` into [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Throws a RangeError unless 0 < confidence < 1. */
export function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be strictly between 0 and 1, got ${confidence}`);
  }
}
