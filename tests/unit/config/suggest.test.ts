import { closestName, editDistance } from '../../../shared/config/suggest.js';

describe('editDistance', () => {
  it.each([
    ['max-agents', 'max-agents', 0],
    ['max-agnets', 'max-agents', 1],
    ['cpu-upper-percent', 'cpus-upper-percent', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestName', () => {
  const names = ['max-agents', 'min-agents', 'max-step-up', 'dry-run'];

  it('picks the nearest candidate', () => {
    expect(closestName('max-agnets', names)).toBe('max-agents');
    expect(closestName('dryrun', names)).toBe('dry-run');
  });

  it('suggests nothing when every candidate is far', () => {
    expect(closestName('colour', names)).toBeNull();
    expect(closestName('x', [])).toBeNull();
  });
});
