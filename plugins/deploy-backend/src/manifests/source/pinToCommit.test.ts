import { pinToCommit } from './pinToCommit';

const sha = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

describe('pinToCommit', () => {
  it.each([
    [
      'https://github.com/shop/checkout/tree/main/deploy/overlays',
      `https://github.com/shop/checkout/tree/${sha}/deploy/overlays`,
    ],
    [
      'https://github.com/shop/checkout/blob/main/deploy',
      `https://github.com/shop/checkout/blob/${sha}/deploy`,
    ],
    [
      'https://gitlab.example.com/group/sub/checkout/-/tree/main/deploy',
      `https://gitlab.example.com/group/sub/checkout/-/tree/${sha}/deploy`,
    ],
    [
      'https://gitea.example.com/shop/checkout/src/branch/main/deploy',
      `https://gitea.example.com/shop/checkout/src/commit/${sha}/deploy`,
    ],
    [
      'https://bitbucket.example.com/projects/SHOP/repos/checkout/browse/deploy?at=refs%2Fheads%2Fmain',
      `https://bitbucket.example.com/projects/SHOP/repos/checkout/browse/deploy?at=${sha}`,
    ],
  ])('moves %s to the commit', (url, pinned) => {
    expect(pinToCommit(url, sha)).toBe(pinned);
  });

  it.each([
    'file:///srv/published/checkout/deploy/',
    'https://example.com/manifests/checkout.tar.gz',
    'not a url',
  ])('leaves %s as it is', url => {
    expect(pinToCommit(url, sha)).toBeUndefined();
  });

  it('refuses a commit that is not a hash', () => {
    expect(
      pinToCommit('https://github.com/shop/checkout/tree/main/deploy', '../x'),
    ).toBeUndefined();
  });
});
