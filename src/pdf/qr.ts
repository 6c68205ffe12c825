import QRCode from 'qrcode';

/**
 * A QR code drawn as vector rectangles (one per horizontal run of dark modules, filled in one go):
 * sharp at any print size and a few hundred bytes. Error correction M survives a fold or a stamp.
 */
export function drawQr(doc: PDFKit.PDFDocument, value: string, x: number, y: number, size: number): void {
  // A fixed mask: every reader decodes any of the eight, and scoring all eight for the "best" one
  // took 0.3 ms of a ~5 ms certificate.
  const { modules } = QRCode.create(value, { errorCorrectionLevel: 'M', maskPattern: 2 });
  const n = modules.size;
  const m = size / n;
  const data = modules.data;
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!data[row * n + col]) {
        col++;
        continue;
      }
      let end = col + 1;
      while (end < n && data[row * n + end]) end++;
      // A hair of overlap so that viewers' anti-aliasing shows no seams between rows.
      doc.rect(x + col * m, y + row * m, (end - col) * m, m + 0.05);
      col = end;
    }
  }
  doc.fillColor('#000000').fill();
}
