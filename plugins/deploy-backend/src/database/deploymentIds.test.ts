import { newDeploymentId } from './deploymentIds';

describe('newDeploymentId', () => {
  it('makes UUIDv7 ids that sort in creation order, even within a millisecond', () => {
    const at = new Date('2026-11-27T10:00:00.000Z');
    const ids = Array.from({ length: 5000 }, () => newDeploymentId(at));

    for (const id of ids) {
      expect(id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The time is readable back from the id.
    expect(parseInt(ids[0].replace(/-/g, '').slice(0, 12), 16)).toBe(
      at.getTime(),
    );

    const later = newDeploymentId(new Date('2026-11-27T10:00:01.000Z'));
    expect(later > ids[ids.length - 1]).toBe(true);
  });
});
