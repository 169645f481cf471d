import { versionOfImage } from './imageReference';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;

describe('versionOfImage', () => {
  it.each([
    ['registry.example.com:5000/shop/checkout:1.4.2', '1.4.2'],
    [`checkout@${DIGEST}`, DIGEST],
    ['registry.example.com:5000/shop/checkout', undefined],
  ])('reads the version of %s', (image, version) => {
    expect(versionOfImage(image)).toBe(version);
  });
});
