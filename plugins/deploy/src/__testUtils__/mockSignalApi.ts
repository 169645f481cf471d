import { SignalApi } from '@backstage/plugin-signals-react';
import { JsonObject } from '@backstage/types';
import { act } from '@testing-library/react';

/** A SignalApi whose messages the test publishes itself. */
export function mockSignalApi() {
  const subscribers = new Map<string, Set<(message: JsonObject) => void>>();
  const api: SignalApi = {
    subscribe<T extends JsonObject>(
      channel: string,
      onMessage: (message: T) => void,
    ) {
      const set = subscribers.get(channel) ?? new Set();
      const handler = onMessage as (message: JsonObject) => void;
      set.add(handler);
      subscribers.set(channel, set);
      return { unsubscribe: () => set.delete(handler) };
    },
  };
  return {
    api,
    /** Delivers a message to every subscriber of the channel. */
    publish(channel: string, message: JsonObject) {
      act(() => {
        subscribers.get(channel)?.forEach(handler => handler(message));
      });
    },
    isSubscribed(channel: string) {
      return (subscribers.get(channel)?.size ?? 0) > 0;
    },
  };
}
