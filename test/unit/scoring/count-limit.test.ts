import { countLowerLimit } from '../../../src/scoring';

describe('countLowerLimit', () => {
  it('puts the sigma limit at mean − 3·s with the sample SD', () => {
    // mean 20, sample SD sqrt(40/4) = 3.1623
    const limit = countLowerLimit([16, 18, 20, 22, 24]);
    expect(limit!.mean).toBe(20);
    expect(limit!.sigma).toBeCloseTo(3.162278, 6);
    expect(limit!.lower).toBeCloseTo(20 - 3 * 3.162278, 5);
  });

  it('puts the c-chart limit at mean − 3·√mean', () => {
    const limit = countLowerLimit([16, 18, 20, 22, 24], { method: 'poisson' });
    expect(limit!.lower).toBeCloseTo(20 - 3 * Math.sqrt(20), 10);
  });

  it('needs two baseline periods and valid counts', () => {
    expect(countLowerLimit([5])).toBeNull();
    expect(() => countLowerLimit([1, -1])).toThrow(RangeError);
    expect(() => countLowerLimit([1, 2], { sigmas: 0 })).toThrow(RangeError);
  });
});
