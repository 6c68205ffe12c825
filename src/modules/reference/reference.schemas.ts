import { z } from '../../lib/zod.ts';

export const boundariesSchema = z.enum(['2025', '2008']);

export const provincesQuery = z.object({
  boundaries: boundariesSchema
    .default('2025')
    .describe('Boundary set: 2025 (34 units, default) or 2008 (63 units)'),
});

export const provinceOut = z.object({
  code: z.string(),
  nameVi: z.string(),
  nameEn: z.string(),
  region: z.string().optional().describe('Socio-economic region (Resolution 81/2023/QH15); 2008 set only'),
  code2025: z.string().describe('The 2025 unit this province lies in'),
});

export const prefectureOut = z.object({
  code: z.string().describe('JIS X 0401 code'),
  nameJa: z.string(),
  nameEn: z.string(),
  region: z.string(),
});

export const provincesOut = z.object({ items: z.array(provinceOut) });
export const prefecturesOut = z.object({ items: z.array(prefectureOut) });
