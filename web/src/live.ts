/**
 * The page's live regions: results are read out politely, errors assertively. `announce()` from
 * anywhere; the Shell renders the two regions (LiveRegions) and the last message is also shown.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Announcement {
  text: string;
  kind: 'status' | 'error';
  n: number;
}
let last: Announcement = { text: '', kind: 'status', n: 0 };
const listeners = new Set<() => void>();

export function announce(text: string, kind: 'status' | 'error' = 'status') {
  last = { text, kind, n: last.n + 1 };
  for (const l of listeners) l();
}

export function useAnnouncement(): Announcement {
  const [, set] = useState(0);
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return last;
}
