import { InputError } from '@backstage/errors';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The image reference of a version: a tag, or a digest when the version is
 * one (`sha256:…`), so a digest pins exactly what was tested.
 */
export function imageReference(repository: string, version: string): string {
  if (version.startsWith('sha256:')) {
    if (!DIGEST.test(version)) {
      throw new InputError(
        `Version "${version}" is not an image digest: expected sha256: and 64 lowercase hex digits`,
      );
    }
    return `${repository}@${version}`;
  }
  if (!TAG.test(version)) {
    throw new InputError(
      `Version "${version}" is not an image tag: use letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-")`,
    );
  }
  return `${repository}:${version}`;
}

/** The version in an image reference: its digest, else its tag. */
export function versionOfImage(image: string): string | undefined {
  const at = image.indexOf('@');
  if (at >= 0) {
    return image.slice(at + 1);
  }
  const colon = image.lastIndexOf(':');
  // A colon before the last "/" belongs to a registry's port, not a tag.
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : undefined;
}
