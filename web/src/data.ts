/** Reference lists the screens share, fetched once per page load. */
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.ts';
import { getLang } from './strings.ts';

export interface Province {
  code: string;
  nameVi: string;
  nameEn: string;
}
export interface Prefecture {
  code: string;
  nameJa: string;
  nameEn: string;
}

const cache = new Map<string, Promise<unknown>>();
function once<T>(path: string): Promise<T> {
  let p = cache.get(path);
  if (!p) {
    p = get<{ items: T }>(path).then((r) => r.items);
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p as Promise<T>;
}

function useList<T>(path: string): T[] {
  const [items, setItems] = useState<T[]>([]);
  useEffect(() => {
    once<T[]>(path).then(setItems, () => {});
  }, [path]);
  return items;
}

export const useProvinces = (boundaries: '2025' | '2008' = '2025') =>
  useList<Province>(`/provinces?boundaries=${boundaries}`);
export const usePrefectures = () => useList<Prefecture>('/prefectures');

/** A province's name in the language (Vietnamese names stay Vietnamese in Japanese too). */
export const provinceName = (p: Province) => (getLang() === 'en' ? p.nameEn : p.nameVi);
export const prefectureName = (p: Prefecture) => (getLang() === 'ja' ? p.nameJa : p.nameEn);
