import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** The text of each page, as a reader's copy-and-paste would give it (pdf.js, no rendering). */
export async function pdfPages(pdf: Buffer | Uint8Array): Promise<string[]> {
  const doc = await getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    pages.push(
      content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''),
    );
  }
  await doc.destroy();
  return pages;
}

/** Page count without extracting text. */
export async function pdfPageCount(pdf: Buffer | Uint8Array): Promise<number> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise;
  const n = doc.numPages;
  await doc.destroy();
  return n;
}

/** Where each run of text sits on the first page, in points from the top left. */
export async function pdfTextBoxes(
  pdf: Buffer | Uint8Array,
): Promise<{ text: string; x: number; y: number; width: number; height: number }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, verbosity: 0 }).promise;
  const page = await doc.getPage(1);
  const [, , , pageHeight] = page.view as [number, number, number, number];
  const content = await page.getTextContent();
  const boxes = content.items.flatMap((item) =>
    'str' in item && item.str.trim()
      ? [
          {
            text: item.str,
            x: item.transform[4] as number,
            // transform[5] is the baseline from the bottom; the glyphs rise about one font size above it.
            y: pageHeight - (item.transform[5] as number) - item.height,
            width: item.width,
            height: item.height,
          },
        ]
      : [],
  );
  await doc.destroy();
  return boxes;
}
