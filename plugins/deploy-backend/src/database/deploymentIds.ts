import { randomBytes } from 'node:crypto';

let lastMillis = 0;
let sequence = 0;

/**
 * A new deployment id: a UUIDv7 (RFC 9562), whose leading 48 bits are the
 * creation time in milliseconds and the next 12 a counter within that
 * millisecond. Ids thus sort in creation order, which is what breaks ties
 * between deployments created in the same millisecond when history is read
 * newest first ("created_at desc, id desc").
 */
export function newDeploymentId(createdAt: Date = new Date()): string {
  let millis = createdAt.getTime();
  if (millis <= lastMillis) {
    // Same millisecond, or the clock stepped back: keep counting upwards.
    millis = lastMillis;
    sequence += 1;
    if (sequence > 0xfff) {
      millis += 1;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMillis = millis;

  const bytes = randomBytes(16);
  bytes.writeUIntBE(millis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}
